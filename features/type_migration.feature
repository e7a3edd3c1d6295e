@webhook
Feature: A card's type migration
  As an issuer with recurring cards
  I want the processor's migration of my RECURRING cards to VIRTUAL announced
  So that my systems follow the card's new type

  Background:
    Given my webhook endpoint is subscribed to the tenant's events

  Scenario: the processor migrates a RECURRING card to VIRTUAL
    Given I have an account token for account 8675312
    And I have a "RECURRING" card named "Streaming" for customer 103625638
    When the processor migrates the card to VIRTUAL
    Then the response status is 204
    And the card's events are "create-1, update_type-1"
    And the last "update_type-1" event for the card has:
      | card_type          | VIRTUAL   |
      | card_previous_type | RECURRING |
      | status             | SUCCESS   |
      | card_id            | {card_id} |
    And the last "update_type-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, update_type-1", signed

  Scenario: only a RECURRING card is migrated
    Given I have an account token for account 8675309
    And I have a "VIRTUAL" card named "Online" for customer 103625634
    When the processor migrates the card to VIRTUAL
    Then the migration is refused
    And the card's events are "create-1"
