Feature: A card's life
  As an integrator of the card processor
  I want to change, activate, reissue, block and renew my customers' cards
  So that each card follows the processor's rules and every change is announced

  Background:
    Given I have an account token for account 8675309

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

  Scenario: a customer's virtual cards keep different names
    Given I have a "VIRTUAL" card named "Travel" for customer 103625634
    And I have a "VIRTUAL" card named "Dining" for customer 103625634
    When I update the card with:
      | name | Travel |
    Then the response status is 409
    And the response names the field "/name" with rule "unique"
    And the card's events are "create-1"

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

  Scenario: a terminated card's password tries cannot be reset
    Given I have a "VIRTUAL" card named "Gone" for customer 103625634
    And the card's status has been changed to "CANCELED"
    When I reset the card's password tries
    Then the response status is 406
    And the response names the field "cardId" with rule "status"

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

  Scenario: a plastic card reissued for damage stays usable until its successor is activated
    Given I have an account token for account 8675310
    And I have a "PLASTIC" card named "Wallet" for customer 103625635
    And the card has been activated
    When I reissue the card for reason 3
    Then the previous card's status is "REISSUED"
    And the card's status is "CREATED"
    When I activate the card
    Then the card's status is "NORMAL"
    And the previous card's status is "CANCELED"
    And the previous card's events are "create-1, embossing_card_ingress-1, update-1, update-1, update-1"
    And the last "update-1" event for the previous card has:
      | operation_type       | REISSUE  |
      | card_status          | CANCELED |
      | card_previous_status | REISSUED |

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
    When I remove the card's validity
    Then the response status is 204
    And the card's events are "create-1, update-1, update-1, update-1"
    And the last "update-1" event for the card has "operation_type" "CARD_VALIDITY_CANCEL"

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

  Scenario Outline: the lifecycle allows a <from> card to become <to>
    Given I have a "VIRTUAL" card named "Matrix" for customer 103625634
    And the card's status has been changed to "<from>"
    When I change the card's status to "<to>"
    Then the response status is 200
    And the card's status is "<to>"
    And the last "update-1" event for the card has:
      | operation_type       | UPDATE_STATUS_PUT |
      | card_status          | <to>              |
      | card_previous_status | <from>            |

    Examples:
      | from    | to      |
      | BLOCKED | NORMAL  |
      | BLOCKED | WARNING |
      | PENDING | LOST    |
      | LOST    | THEFT   |
      | WARNING | FRAUD   |

  Scenario Outline: the lifecycle refuses to turn a <from> card into <to>
    Given I have a "VIRTUAL" card named "Matrix" for customer 103625634
    And the card's status has been changed to "<from>"
    When I change the card's status to "<to>"
    Then the response status is 409
    And the response names the field "/status" with rule "transition"
    And the card's status is "<from>"
    And 1 "update-1" event was emitted for the card

    Examples:
      | from     | to      |
      | LOST     | NORMAL  |
      | CANCELED | BLOCKED |
      | FRAUD    | FRAUD   |
      | BLOCKED  | BLOCKED |
      | THEFT    | PENDING |

  Scenario: a failure of the processor is announced and changes nothing
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
