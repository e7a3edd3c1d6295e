@scratch
Feature: scratch
  Scenario: card
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events
    And I have a "VIRTUAL" card named "Groceries" for customer 103625634
    When I change the card's status to "BLOCKED"
    Then the card's events are "create-1, update-1"
    And my webhook endpoint received the card's events "create-1, update-1", signed
    And the card's events match their schemas
    And the last "update-1" event for the card agrees with the card as it reads now
    And my webhook endpoint received every event of the tenant, signed
    And every event of the tenant matches its schema

  Scenario: stored
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events
    When I store the card "4111111111111111" expiring "1229" on file without validation
    Then the last "provision-1" event for the stored card agrees with the stored card as it reads now
    And my webhook endpoint received the stored card's events "provision-1", signed

  Scenario: token
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events
    And I have a "VIRTUAL" card named "Wallet" for customer 103625634
    When the network provisions a token for the card in "Google Pay"
    Then the last "notification-1" event of the token agrees with the token as it reads now
    And my webhook endpoint received the token's events "notification-1, notification-1", signed

  Scenario: wrong
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events
    And I have a "VIRTUAL" card named "Groceries" for customer 103625634
    Then my webhook endpoint received the card's events "create-1, update-1", signed
