Feature: Cards
  As an integrator of the card processor
  I want to create cards and change their status
  So that my customers can pay, and block a card when something goes wrong

  Background:
    Given I have an account token for account 8675309

  Scenario Outline: a new <type> card starts <status> and its creation is announced
    Given I have an account token for account <account>
    When I create a "<type>" card named "<name>" for customer <customer>
    Then the response status is 201
    And the response has field "type" equal to "<type>"
    And the response has field "status" equal to "<status>"
    And the card's status is "<status>"
    And a "create-1" event was emitted for the card
    And the last "create-1" event for the card has:
      | card_id     | {card_id}  |
      | card_type   | <type>     |
      | card_status | <status>   |
      | customer_id | <customer> |

    Examples:
      | type    | name      | account | customer  | status  |
      | VIRTUAL | Groceries | 8675309 | 103625634 | NORMAL  |
      | PLASTIC | Wallet    | 8675310 | 103625635 | CREATED |

  Scenario: blocking a card announces the change
    Given I have a "VIRTUAL" card named "Dining" for customer 103625634
    When I change the card's status to "BLOCKED"
    Then the response status is 200
    And the response has field "status" equal to "BLOCKED"
    And the response has field "previous_status" equal to "NORMAL"
    And the card's status is "BLOCKED"
    And an "update-1" event was emitted for the card
    And the last "update-1" event for the card has:
      | operation_type       | UPDATE_STATUS_PUT |
      | card_previous_status | NORMAL            |
      | card_status          | BLOCKED           |

  Scenario Outline: a card terminated as <termination> cannot be unblocked
    Given I have a "VIRTUAL" card named "<name>" for customer 103625634
    And the card's status has been changed to "BLOCKED"
    And the card's status has been changed to "<termination>"
    When I change the card's status to "NORMAL"
    Then the response status is 409
    And the response names the field "/status" with rule "transition"
    And the card's status is "<termination>"
    And 2 "update-1" events were emitted for the card
    And the last "update-1" event for the card has "card_status" "<termination>"

    Examples:
      | termination | name    |
      | LOST        | Travel  |
      | FRAUD       | Fuel    |
      | CANCELED    | Books   |

  Scenario: a card without a name is refused, naming the field and the rule
    When I create a card for customer 103625634 with body:
      """
      {"type": "VIRTUAL", "transaction_limit": "500.00"}
      """
    Then the response status is 400
    And the response names the field "/name" with rule "required"

  Scenario Outline: another account's token cannot <action>
    Given I have a "VIRTUAL" card named "<name>" for customer 103625634
    And I have an account token for account 8675310
    When I <action>
    Then the response status is 403
    And the response names the field "<field>" with rule "<rule>"
    And the card's status is "NORMAL"
    And no "update-1" event was emitted for the card

    Examples:
      | action                                                          | field         | rule     | name    |
      | get the card                                                    | cardId        | account  | Savings |
      | change the card's status to "BLOCKED"                           | accountId     | account  | Rent    |
      | create a "VIRTUAL" card named "Intruder" for customer 103625634 | x-customer-id | customer | Gifts   |

  @virtual-clock
  Scenario: an account token expires on the scenario's own clock
    Given I have a "VIRTUAL" card named "Timer" for customer 103625634
    When the clock advances by "61m"
    And I get the card
    Then the response status is 401
    And the response names the field "Authorization" with rule "expired"
