@webhook
Feature: A card's life
  As an integrator of the card processor
  I want to create, change, activate, reissue, block and renew my customers' cards
  So that each card follows the processor's rules and every change reaches my systems, signed

  Background:
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events

  @createCard
  Scenario Outline: a new <type> card starts <status> and its creation reaches my endpoint
    Given I have an account token for account <account>
    When I create a "<type>" card named "<name>" for customer <customer>
    Then the response status is 201
    And the response has field "type" equal to "<type>"
    And the response has field "status" equal to "<status>"
    And the card's status is "<status>"
    And the card's events are "<events>"
    And the last "create-1" event for the card has:
      | card_id     | {card_id}  |
      | card_type   | <type>     |
      | card_status | <status>   |
      | customer_id | <customer> |
      | status      | SUCCESS    |
    And the last "create-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "<events>", signed

    Examples:
      | type    | name      | account | customer  | status  | events                              |
      | VIRTUAL | Groceries | 8675309 | 103625634 | NORMAL  | create-1                            |
      | PLASTIC | Wallet    | 8675310 | 103625635 | CREATED | create-1, embossing_card_ingress-1 |

  @updateCard
  Scenario: renaming a virtual card announces the change
    Given I have a "VIRTUAL" card named "Groceries" for customer 103625634
    When I update the card with:
      | name                | Food shopping |
      | contactless_enabled | false         |
    Then the response status is 200
    And the card's events are "create-1, update-1"
    And the last "update-1" event for the card has:
      | operation_type       | UPDATE_STATUS_PATCH |
      | card_name            | Food shopping       |
      | contactless_enabled  | false               |
      | card_status          | NORMAL              |
      | card_previous_status | NORMAL              |
    And the last "update-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, update-1", signed

  Scenario: a customer's virtual cards keep different names
    Given I have a "VIRTUAL" card named "Travel" for customer 103625634
    And I have a "VIRTUAL" card named "Dining" for customer 103625634
    When I update the card with:
      | name | Travel |
    Then the response status is 409
    And the response names the field "/name" with rule "unique"
    And the card's events are "create-1"

  @updateCardStatus
  Scenario: blocking a card announces the change
    Given I have a "VIRTUAL" card named "Dining" for customer 103625634
    When I change the card's status to "BLOCKED"
    Then the response status is 200
    And the response has field "status" equal to "BLOCKED"
    And the response has field "previous_status" equal to "NORMAL"
    And the card's status is "BLOCKED"
    And the card's events are "create-1, update-1"
    And the last "update-1" event for the card has:
      | operation_type       | UPDATE_STATUS_PUT |
      | card_previous_status | NORMAL            |
      | card_status          | BLOCKED           |
      | status               | SUCCESS           |
    And the last "update-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, update-1", signed

  Scenario Outline: a card terminated as <termination> cannot be unblocked
    Given I have a "VIRTUAL" card named "<name>" for customer 103625634
    And the card's status has been changed to "BLOCKED"
    And the card's status has been changed to "<termination>"
    When I change the card's status to "NORMAL"
    Then the response status is 409
    And the response names the field "/status" with rule "transition"
    And the card's status is "<termination>"
    And the card's events are "create-1, update-1, update-1"
    And the last "update-1" event for the card has "card_status" "<termination>"

    Examples:
      | termination | name   |
      | LOST        | Travel |
      | FRAUD       | Fuel   |
      | CANCELED    | Books  |

  @activateCard
  Scenario: activating a plastic card makes it usable
    Given I have an account token for account 8675310
    And I have a "PLASTIC" card named "Wallet" for customer 103625635
    When I activate the card
    Then the response status is 200
    And the card's status is "NORMAL"
    And the card's events are "create-1, embossing_card_ingress-1, update-1"
    And the last "update-1" event for the card has:
      | operation_type       | ACTIVATE |
      | card_status          | NORMAL   |
      | card_previous_status | CREATED  |
    And the last "update-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, embossing_card_ingress-1, update-1", signed

  Scenario: a card is activated once, and only a plastic one
    Given I have an account token for account 8675310
    And I have a "PLASTIC" card named "Wallet" for customer 103625635
    And the card has been activated
    When I activate the card
    Then the response status is 409
    And the response names the field "cardId" with rule "transition"
    Given I have an account token for account 8675309
    And I have a "VIRTUAL" card named "Online" for customer 103625634
    When I activate the card
    Then the response status is 409
    And the response names the field "cardId" with rule "physical"
    And the card's events are "create-1"

  @resetPasswordTries
  Scenario: too many wrong PINs block the card, and a reset unblocks it
    Given I have a "VIRTUAL" card named "Daily" for customer 103625634
    When the cardholder enters 3 wrong PINs
    Then the card's status is "BLOCKED"
    And the last "update-1" event for the card has:
      | operation_type | INCREASE_PASSWORD_TRIES_EXCEEDED |
      | password_tries | 3                                |
    When I reset the card's password tries
    Then the response status is 200
    And the card's status is "NORMAL"
    And the card's events are "create-1, update-1, update-1"
    And the last "update-1" event for the card has:
      | operation_type | RESET_PASSWORD_TRIES |
      | password_tries | 0                    |
      | card_status    | NORMAL               |
    And the last "update-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, update-1, update-1", signed

  Scenario: a terminated card's password tries cannot be reset
    Given I have a "VIRTUAL" card named "Gone" for customer 103625634
    And the card's status has been changed to "CANCELED"
    When I reset the card's password tries
    Then the response status is 406
    And the response names the field "cardId" with rule "status"
    And the card's events are "create-1, update-1"

  @reissueCard
  Scenario: reissuing a virtual card cancels it and announces its successor
    Given I have a "VIRTUAL" card named "Travel" for customer 103625634
    When I reissue the card for reason 1
    Then the response status is 200
    And the response has field "track_number" equal to "2"
    And the previous card's status is "CANCELED"
    And the card's status is "NORMAL"
    And the previous card's events are "create-1, update-1"
    And the last "update-1" event for the previous card has:
      | operation_type | REISSUE   |
      | card_status    | CANCELED  |
      | new_card_id    | {card_id} |
    And the card's events are "create-1"
    And the last "create-1" event for the card has:
      | reissued_card_id | {previous_card_id} |
      | card_name        | Travel             |
    And the last "update-1" event for the previous card agrees with the previous card as it reads now
    And the last "create-1" event for the card agrees with the card as it reads now
    And every event of the tenant matches its schema
    And my webhook endpoint received the previous card's events "create-1, update-1", signed
    And my webhook endpoint received the card's events "create-1", signed

  @reissueCard
  Scenario: a plastic card reissued for damage stays usable until its successor is activated
    Given I have an account token for account 8675310
    And I have a "PLASTIC" card named "Wallet" for customer 103625635
    And the card has been activated
    When I reissue the card for reason 3
    Then the previous card's status is "REISSUED"
    And the card's status is "CREATED"
    And the card's events are "create-1, embossing_card_ingress-1"
    When I activate the card
    Then the card's status is "NORMAL"
    And the previous card's status is "CANCELED"
    And the previous card's events are "create-1, embossing_card_ingress-1, update-1, update-1, update-1"
    And the last "update-1" event for the previous card has:
      | operation_type       | REISSUE  |
      | card_status          | CANCELED |
      | card_previous_status | REISSUED |
    And the last "update-1" event for the previous card agrees with the previous card as it reads now
    And every event of the tenant matches its schema
    And my webhook endpoint received every event of the tenant, signed

  Scenario: a reissue reason of the org's own, and a disabled one refused
    Given I create a reissue reason "Upgrade" that need not block the card
    Then the reissue reasons list "Upgrade" as enabled
    Given I have a "VIRTUAL" card named "Old" for customer 103625634
    When I disable the reissue reason "Upgrade"
    Then the reissue reasons list "Upgrade" as disabled
    When I reissue the card for the reason "Upgrade"
    Then the response status is 400
    And the response names the field "/reason_id" with rule "enabled"
    And the card's events are "create-1"

  @virtual-clock
  Scenario: a card whose validity runs out becomes inoperative, and a renewal brings it back
    Given I have a "VIRTUAL" card named "Trial" for customer 103625634, valid for 2 hours
    When the clock advances by "2h"
    Then the card's status is "INOPERATIVE"
    And the last "update-1" event for the card has:
      | operation_type       | TEMPORARY_CARD_INOPERATIVE_EVENT |
      | card_status          | INOPERATIVE                      |
      | card_previous_status | NORMAL                           |
    Given I have an account token for account 8675309
    When I renew the card's validity for 24 hours
    Then the response status is 200
    And the card's status is "NORMAL"
    And the last "update-1" event for the card has "operation_type" "CARD_VALIDITY_RENEWAL"
    And the last "update-1" event for the card agrees with the card as it reads now
    When I remove the card's validity
    Then the response status is 204
    And the card's events are "create-1, update-1, update-1, update-1"
    And the last "update-1" event for the card has "operation_type" "CARD_VALIDITY_CANCEL"
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, update-1, update-1, update-1", signed

  @virtual-clock
  Scenario: a temporary card lives a day
    Given I have a "TEMPORARY" card named "Weekend" for customer 103625634
    When the clock advances by "23h"
    Then the card's status is "NORMAL"
    When the clock advances by "1h"
    Then the card's status is "INOPERATIVE"
    And the card's events are "create-1, update-1"

  Scenario: only a noname card waiting for its customer can be bound
    Given I have a "VIRTUAL" card named "Mine" for customer 103625634
    When I bind the card to customer 103625634
    Then the response status is 409
    And the response names the field "cardId" with rule "unbound"

  @status-matrix
  Scenario Outline: the status matrix: a <from> card asked to become <to>
    Given I have a "VIRTUAL" card named "Matrix" for customer 103625634
    And the card is "<from>"
    When I change the card's status to "<to>"
    Then the change from "<from>" to "<to>" is <verdict>

    Examples:
      | from     | to       | verdict |
      | NORMAL   | NORMAL   | refused |
      | NORMAL   | BLOCKED  | allowed |
      | NORMAL   | PENDING  | allowed |
      | NORMAL   | WARNING  | allowed |
      | NORMAL   | LOST     | allowed |
      | NORMAL   | ROBBED   | allowed |
      | NORMAL   | CANCELED | allowed |
      | NORMAL   | FRAUD    | allowed |
      | NORMAL   | DAMAGED  | allowed |
      | NORMAL   | EXPIRED  | allowed |
      | NORMAL   | DELETED  | allowed |
      | NORMAL   | BROKEN   | allowed |
      | NORMAL   | THEFT    | allowed |
      | NORMAL   | DEFECT   | allowed |
      | BLOCKED  | NORMAL   | allowed |
      | BLOCKED  | BLOCKED  | refused |
      | BLOCKED  | PENDING  | allowed |
      | BLOCKED  | WARNING  | allowed |
      | BLOCKED  | LOST     | allowed |
      | BLOCKED  | ROBBED   | allowed |
      | BLOCKED  | CANCELED | allowed |
      | BLOCKED  | FRAUD    | allowed |
      | BLOCKED  | DAMAGED  | allowed |
      | BLOCKED  | EXPIRED  | allowed |
      | BLOCKED  | DELETED  | allowed |
      | BLOCKED  | BROKEN   | allowed |
      | BLOCKED  | THEFT    | allowed |
      | BLOCKED  | DEFECT   | allowed |
      | PENDING  | NORMAL   | allowed |
      | PENDING  | BLOCKED  | allowed |
      | PENDING  | PENDING  | refused |
      | PENDING  | WARNING  | allowed |
      | PENDING  | LOST     | allowed |
      | PENDING  | ROBBED   | allowed |
      | PENDING  | CANCELED | allowed |
      | PENDING  | FRAUD    | allowed |
      | PENDING  | DAMAGED  | allowed |
      | PENDING  | EXPIRED  | allowed |
      | PENDING  | DELETED  | allowed |
      | PENDING  | BROKEN   | allowed |
      | PENDING  | THEFT    | allowed |
      | PENDING  | DEFECT   | allowed |
      | WARNING  | NORMAL   | allowed |
      | WARNING  | BLOCKED  | allowed |
      | WARNING  | PENDING  | allowed |
      | WARNING  | WARNING  | refused |
      | WARNING  | LOST     | allowed |
      | WARNING  | ROBBED   | allowed |
      | WARNING  | CANCELED | allowed |
      | WARNING  | FRAUD    | allowed |
      | WARNING  | DAMAGED  | allowed |
      | WARNING  | EXPIRED  | allowed |
      | WARNING  | DELETED  | allowed |
      | WARNING  | BROKEN   | allowed |
      | WARNING  | THEFT    | allowed |
      | WARNING  | DEFECT   | allowed |
      | LOST     | NORMAL   | refused |
      | LOST     | BLOCKED  | refused |
      | LOST     | PENDING  | refused |
      | LOST     | WARNING  | refused |
      | LOST     | LOST     | refused |
      | LOST     | ROBBED   | allowed |
      | LOST     | CANCELED | allowed |
      | LOST     | FRAUD    | allowed |
      | LOST     | DAMAGED  | allowed |
      | LOST     | EXPIRED  | allowed |
      | LOST     | DELETED  | allowed |
      | LOST     | BROKEN   | allowed |
      | LOST     | THEFT    | allowed |
      | LOST     | DEFECT   | allowed |
      | ROBBED   | NORMAL   | refused |
      | ROBBED   | BLOCKED  | refused |
      | ROBBED   | PENDING  | refused |
      | ROBBED   | WARNING  | refused |
      | ROBBED   | LOST     | allowed |
      | ROBBED   | ROBBED   | refused |
      | ROBBED   | CANCELED | allowed |
      | ROBBED   | FRAUD    | allowed |
      | ROBBED   | DAMAGED  | allowed |
      | ROBBED   | EXPIRED  | allowed |
      | ROBBED   | DELETED  | allowed |
      | ROBBED   | BROKEN   | allowed |
      | ROBBED   | THEFT    | allowed |
      | ROBBED   | DEFECT   | allowed |
      | CANCELED | NORMAL   | refused |
      | CANCELED | BLOCKED  | refused |
      | CANCELED | PENDING  | refused |
      | CANCELED | WARNING  | refused |
      | CANCELED | LOST     | allowed |
      | CANCELED | ROBBED   | allowed |
      | CANCELED | CANCELED | refused |
      | CANCELED | FRAUD    | allowed |
      | CANCELED | DAMAGED  | allowed |
      | CANCELED | EXPIRED  | allowed |
      | CANCELED | DELETED  | allowed |
      | CANCELED | BROKEN   | allowed |
      | CANCELED | THEFT    | allowed |
      | CANCELED | DEFECT   | allowed |
      | FRAUD    | NORMAL   | refused |
      | FRAUD    | BLOCKED  | refused |
      | FRAUD    | PENDING  | refused |
      | FRAUD    | WARNING  | refused |
      | FRAUD    | LOST     | allowed |
      | FRAUD    | ROBBED   | allowed |
      | FRAUD    | CANCELED | allowed |
      | FRAUD    | FRAUD    | refused |
      | FRAUD    | DAMAGED  | allowed |
      | FRAUD    | EXPIRED  | allowed |
      | FRAUD    | DELETED  | allowed |
      | FRAUD    | BROKEN   | allowed |
      | FRAUD    | THEFT    | allowed |
      | FRAUD    | DEFECT   | allowed |
      | DAMAGED  | NORMAL   | refused |
      | DAMAGED  | BLOCKED  | refused |
      | DAMAGED  | PENDING  | refused |
      | DAMAGED  | WARNING  | refused |
      | DAMAGED  | LOST     | allowed |
      | DAMAGED  | ROBBED   | allowed |
      | DAMAGED  | CANCELED | allowed |
      | DAMAGED  | FRAUD    | allowed |
      | DAMAGED  | DAMAGED  | refused |
      | DAMAGED  | EXPIRED  | allowed |
      | DAMAGED  | DELETED  | allowed |
      | DAMAGED  | BROKEN   | allowed |
      | DAMAGED  | THEFT    | allowed |
      | DAMAGED  | DEFECT   | allowed |
      | EXPIRED  | NORMAL   | refused |
      | EXPIRED  | BLOCKED  | refused |
      | EXPIRED  | PENDING  | refused |
      | EXPIRED  | WARNING  | refused |
      | EXPIRED  | LOST     | allowed |
      | EXPIRED  | ROBBED   | allowed |
      | EXPIRED  | CANCELED | allowed |
      | EXPIRED  | FRAUD    | allowed |
      | EXPIRED  | DAMAGED  | allowed |
      | EXPIRED  | EXPIRED  | refused |
      | EXPIRED  | DELETED  | allowed |
      | EXPIRED  | BROKEN   | allowed |
      | EXPIRED  | THEFT    | allowed |
      | EXPIRED  | DEFECT   | allowed |
      | DELETED  | NORMAL   | refused |
      | DELETED  | BLOCKED  | refused |
      | DELETED  | PENDING  | refused |
      | DELETED  | WARNING  | refused |
      | DELETED  | LOST     | allowed |
      | DELETED  | ROBBED   | allowed |
      | DELETED  | CANCELED | allowed |
      | DELETED  | FRAUD    | allowed |
      | DELETED  | DAMAGED  | allowed |
      | DELETED  | EXPIRED  | allowed |
      | DELETED  | DELETED  | refused |
      | DELETED  | BROKEN   | allowed |
      | DELETED  | THEFT    | allowed |
      | DELETED  | DEFECT   | allowed |
      | BROKEN   | NORMAL   | refused |
      | BROKEN   | BLOCKED  | refused |
      | BROKEN   | PENDING  | refused |
      | BROKEN   | WARNING  | refused |
      | BROKEN   | LOST     | allowed |
      | BROKEN   | ROBBED   | allowed |
      | BROKEN   | CANCELED | allowed |
      | BROKEN   | FRAUD    | allowed |
      | BROKEN   | DAMAGED  | allowed |
      | BROKEN   | EXPIRED  | allowed |
      | BROKEN   | DELETED  | allowed |
      | BROKEN   | BROKEN   | refused |
      | BROKEN   | THEFT    | allowed |
      | BROKEN   | DEFECT   | allowed |
      | THEFT    | NORMAL   | refused |
      | THEFT    | BLOCKED  | refused |
      | THEFT    | PENDING  | refused |
      | THEFT    | WARNING  | refused |
      | THEFT    | LOST     | allowed |
      | THEFT    | ROBBED   | allowed |
      | THEFT    | CANCELED | allowed |
      | THEFT    | FRAUD    | allowed |
      | THEFT    | DAMAGED  | allowed |
      | THEFT    | EXPIRED  | allowed |
      | THEFT    | DELETED  | allowed |
      | THEFT    | BROKEN   | allowed |
      | THEFT    | THEFT    | refused |
      | THEFT    | DEFECT   | allowed |
      | DEFECT   | NORMAL   | refused |
      | DEFECT   | BLOCKED  | refused |
      | DEFECT   | PENDING  | refused |
      | DEFECT   | WARNING  | refused |
      | DEFECT   | LOST     | allowed |
      | DEFECT   | ROBBED   | allowed |
      | DEFECT   | CANCELED | allowed |
      | DEFECT   | FRAUD    | allowed |
      | DEFECT   | DAMAGED  | allowed |
      | DEFECT   | EXPIRED  | allowed |
      | DEFECT   | DELETED  | allowed |
      | DEFECT   | BROKEN   | allowed |
      | DEFECT   | THEFT    | allowed |
      | DEFECT   | DEFECT   | refused |

  Scenario: a processor failure of a status change is announced and changes nothing
    Given I have a "VIRTUAL" card named "Fragile" for customer 103625634
    And the processor will fail the next call of "updateCardStatus" for the card with "processor timeout"
    When I change the card's status to "BLOCKED"
    Then the response status is 500
    And the card's status is "NORMAL"
    And the last "update-1" event for the card has:
      | status      | FAILURE           |
      | reason      | processor timeout |
      | card_status | NORMAL            |
      | card_hash   | null              |
    When I change the card's status to "BLOCKED"
    Then the response status is 200
    And the card's status is "BLOCKED"
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, update-1, update-1", signed

  Scenario Outline: a processor failure of <operation> is announced as a FAILURE and changes nothing
    Given I have an account token for account 8675310
    And I have a "PLASTIC" card named "Fragile" for customer 103625635
    And the processor will fail the next call of "<operation>" for the card with "processor timeout"
    When I <action>
    Then the response status is 500
    And the card's status is "CREATED"
    And the card's events are "create-1, embossing_card_ingress-1, update-1"
    And the last "update-1" event for the card has:
      | status         | FAILURE           |
      | reason         | processor timeout |
      | operation_type | <operation_type>  |
      | card_status    | CREATED           |
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, embossing_card_ingress-1, update-1", signed

    Examples:
      | operation          | action                              | operation_type       |
      | activateCard       | activate the card                   | ACTIVATE             |
      | updateCard         | rename the card "Sturdy"            | UPDATE_STATUS_PATCH  |
      | updateCardStatus   | change the card's status to "LOST"  | UPDATE_STATUS_PUT    |
      | resetPasswordTries | reset the card's password tries     | RESET_PASSWORD_TRIES |

  Scenario: a processor failure of a card's creation keeps the card without its card data
    Given the processor will fail the next creation of a card with "issuer unavailable"
    When I create a "VIRTUAL" card named "Fragile" for customer 103625634
    Then the response status is 201
    And the card's events are "create-1"
    And the last "create-1" event for the card has:
      | status    | FAILURE            |
      | reason    | issuer unavailable |
      | card_hash | null               |
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1", signed

  Scenario: a credit card gains a debit mode once
    Given I have a "VIRTUAL" card named "Both" for customer 103625634
    When I make the card a combination card
    Then the response status is 201
    And the response has field "mode" equal to "DEBIT"
    When I make the card a combination card
    Then the response status is 409
    And the response names the field "cardId" with rule "mode"

  Scenario: a plastic card moved to another program is announced to embossing
    Given I have an account token for account 8675310
    And I have a "PLASTIC" card named "Wallet" for customer 103625635
    When I move the card to program 3002
    Then the response status is 202
    And the card's events are "create-1, embossing_card_ingress-1, embossing_card_ingress-1"
    And the last "embossing_card_ingress-1" event for the card has:
      | operation_type | CARD_PROGRAM_MIGRATION |
      | program_id     | 3002                   |
    And my webhook endpoint received the card's events "create-1, embossing_card_ingress-1, embossing_card_ingress-1", signed
    When I move the card to program 3002
    Then the response status is 406

  Scenario: only a Visa card joins the Visa Automatic Updater
    Given I have a "VIRTUAL" card named "Subscriptions" for customer 103625634
    When I opt the card in to the automatic updater
    Then the response status is 409
    And the response names the field "cardID" with rule "brand"
    When I opt the card out of the automatic updater
    Then the response status is 200
    When I reset the card's transaction counter
    Then the response status is 200
    And the card's events are "create-1"

  Scenario Outline: another account's token cannot <action>
    Given I have a "VIRTUAL" card named "<name>" for customer 103625634
    And I have an account token for account 8675310
    When I <action>
    Then the response status is 403
    And the response names the field "<field>" with rule "<rule>"
    And the card's status is "NORMAL"
    And the card's events are "create-1"

    Examples:
      | action                                                          | field         | rule     | name    |
      | get the card                                                    | cardId        | account  | Savings |
      | change the card's status to "BLOCKED"                           | accountId     | account  | Rent    |
      | create a "VIRTUAL" card named "Intruder" for customer 103625634 | x-customer-id | customer | Gifts   |

  Scenario: a card without a name is refused, naming the field and the rule
    When I create a "VIRTUAL" card without a name for customer 103625634
    Then the response status is 400
    And the response names the field "/name" with rule "required"

  @virtual-clock
  Scenario: an account token expires on the scenario's own clock
    Given I have a "VIRTUAL" card named "Timer" for customer 103625634
    When the clock advances by "61m"
    And I get the card
    Then the response status is 401
    And the response names the field "Authorization" with rule "expired"
