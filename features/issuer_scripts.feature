@webhook
Feature: Issuer scripts on the chip
  As an integrator of the card processor
  I want to queue scripts for a card's chip, a PIN update among them, and learn what became of each
  So that the chip does what I asked at its next authorisation, and I know when it did

  Background:
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events

  @appendIssuerScript
  Scenario: an issuer script travels to the chip and is applied
    Given I have a "VIRTUAL" card named "Chip" for customer 103625634
    When I queue the issuer script "12345678" for the card
    Then the response status is 200
    And the response has field "applied" equal to "false"
    And the card's events are "create-1, issuer_script-1"
    And the last "issuer_script-1" event for the card has:
      | script_event_type | script_created |
    When the card is seen at a chip authorisation
    Then the card's events are "create-1, issuer_script-1, issuer_script-1, issuer_script-1"
    And the last "issuer_script-1" event for the card has:
      | script_event_type | script_applied     |
      | script_type       | ENABLE_APPLICATION |
      | card_id           | {card_id}          |
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, issuer_script-1, issuer_script-1, issuer_script-1", signed

  @appendUpdatePinScript
  Scenario: a PIN update script changes the PIN when the chip applies it
    Given I have a "VIRTUAL" card named "Chip" for customer 103625634
    When I queue a PIN update script "22345678" setting the PIN "8642"
    Then the card's events are "create-1, issuer_script-1"
    When the card is seen at a chip authorisation
    Then the card's PIN is "8642"
    And the card's events are "create-1, issuer_script-1, issuer_script-1, issuer_script-1, update_password-1"
    And the last "update_password-1" event for the card has:
      | status | SUCCESS |
    And the last "update_password-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, issuer_script-1, issuer_script-1, issuer_script-1, update_password-1", signed

  Scenario: a script the chip refuses is announced as failed
    Given I have a "VIRTUAL" card named "Chip" for customer 103625634
    When I queue the issuer script "12345679" for the card
    And the card is seen at a chip authorisation where the scripts fail
    Then the last "issuer_script-1" event for the card has:
      | script_event_type | script_failed |
      | status            | FAILURE       |
    And the card's events match their schemas
    And my webhook endpoint received every event of the tenant, signed

  Scenario: a PIN update script the chip refuses leaves the PIN as it was
    Given I have a "VIRTUAL" card named "Chip" for customer 103625634
    And I change the card's PIN to "1357"
    When I queue a PIN update script "22345678" setting the PIN "8642"
    Then the response status is 200
    And the card is seen at a chip authorisation where the scripts fail
    Then the card's PIN is "1357"
    And the last "issuer_script-1" event for the card has:
      | script_event_type | script_failed |
    And the card's events are "create-1, update_password-1, issuer_script-1, issuer_script-1, issuer_script-1"
