@webhook
Feature: A card's PIN
  As an integrator of the card processor
  I want to set my cardholders' PINs, in clear or as PIN blocks under the sandbox key
  So that they can pay with a PIN they chose, and every change reaches my systems, signed

  Background:
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events

  @changeCardPassword
  Scenario: changing a card's PIN announces it
    Given I have a "VIRTUAL" card named "Daily" for customer 103625634
    When I change the card's PIN to "2468"
    Then the response status is 201
    And the card's PIN is "2468"
    And the card's events are "create-1, update_password-1"
    And the last "update_password-1" event for the card has:
      | status      | SUCCESS   |
      | card_status | NORMAL    |
      | card_id     | {card_id} |
    And the last "update_password-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, update_password-1", signed

  @changeCardPassword
  Scenario: a PIN change synced to the chip queues a script
    Given I have a "VIRTUAL" card named "Chip" for customer 103625634
    When I change the card's PIN to "2468" and sync it to the chip
    Then the card's events are "create-1, update_password-1, issuer_script-1"
    And the last "issuer_script-1" event for the card has:
      | script_type       | SYNC_PIN       |
      | script_event_type | script_created |
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, update_password-1, issuer_script-1", signed

  @updatePinFromPinblock
  Scenario: a PIN set through a PIN block reads back
    Given I have a "VIRTUAL" card named "Block" for customer 103625634
    When I set the card's PIN to "7531" with a PIN block under the sandbox key
    Then the response status is 204
    And the card's PIN is "7531"
    And the card's events are "create-1, update_password-1"
    And the last "update_password-1" event for the card has:
      | status      | SUCCESS |
      | card_status | NORMAL  |
    And the last "update_password-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, update_password-1", signed

  Scenario: a PIN block under another PAN is refused and changes nothing
    Given I have a "VIRTUAL" card named "Block" for customer 103625634
    When I set the card's PIN to "7531" with a PIN block for another card under the sandbox key
    Then the response status is 400
    And the card's events are "create-1"

  Scenario: a PIN too short is refused, naming the field
    Given I have a "VIRTUAL" card named "Short" for customer 103625634
    When I change the card's PIN to "12"
    Then the response status is 400
    And the response names the field "/pin" with rule "pattern"
    And the card's events are "create-1"
