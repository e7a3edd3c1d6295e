Feature: A card's PIN, CVV and chip scripts
  As an integrator of the card processor
  I want to set PINs, rotate CVVs and send scripts to the chip
  So that my cardholders can pay securely, and every change is announced

  Background:
    Given I have an account token for account 8675309

  Scenario: changing a card's PIN announces it
    Given I have a "VIRTUAL" card named "Daily" for customer 103625634
    When I change the card's PIN to "2468"
    Then the response status is 201
    And the card's PIN is "2468"
    And the card's events are "create-1, update_password-1"
    And the last "update_password-1" event for the card has:
      | status      | SUCCESS |
      | card_status | NORMAL  |

  Scenario: a PIN change synced to the chip queues a script
    Given I have a "VIRTUAL" card named "Chip" for customer 103625634
    When I change the card's PIN to "2468" and sync it to the chip
    Then the card's events are "create-1, update_password-1, issuer_script-1"
    And the last "issuer_script-1" event for the card has:
      | script_type       | SYNC_PIN       |
      | script_event_type | script_created |

  Scenario: a PIN set through a PIN block reads back
    Given I have a "VIRTUAL" card named "Block" for customer 103625634
    When I set the card's PIN to "7531" with a PIN block under the sandbox key
    Then the response status is 204
    And the card's PIN is "7531"
    And the card's events are "create-1, update_password-1"

  Scenario: rotating a virtual card's CVV announces the next rotation
    Given I have a "VIRTUAL" card named "Online" for customer 103625634 whose CVV rotates every 24 hours
    When I rotate the card's CVV
    Then the response status is 200
    And the card's events are "create-1, rotate_cvv-1"
    And the last "rotate_cvv-1" event for the card has:
      | cvv_rotation_type      | MANUAL               |
      | cvv_next_rotation_date | 2026-01-02T00:00:00Z |

  @virtual-clock
  Scenario: a virtual card's CVV rotates by itself on the clock
    Given I have a "VIRTUAL" card named "Online" for customer 103625634 whose CVV rotates every 24 hours
    When the clock advances by "24h"
    Then the card's events are "create-1, rotate_cvv-1"
    And the last "rotate_cvv-1" event for the card has:
      | cvv_rotation_type      | AUTOMATIC            |
      | cvv_next_rotation_date | 2026-01-03T00:00:00Z |

  Scenario: only a virtual card's CVV rotates
    Given I have an account token for account 8675310
    And I have a "PLASTIC" card named "Wallet" for customer 103625635
    When I rotate the card's CVV
    Then the response status is 400
    And the response names the field "cardId" with rule "type"

  Scenario: an issuer script travels to the chip and is applied
    Given I have a "VIRTUAL" card named "Chip" for customer 103625634
    When I queue the issuer script "12345678" for the card
    Then the response status is 200
    And the response has field "applied" equal to "false"
    When the card is seen at a chip authorisation
    Then the card's events are "create-1, issuer_script-1, issuer_script-1, issuer_script-1"
    And the last "issuer_script-1" event for the card has:
      | script_event_type | script_applied     |
      | script_type       | ENABLE_APPLICATION |

  Scenario: a PIN update script changes the PIN when the chip applies it
    Given I have a "VIRTUAL" card named "Chip" for customer 103625634
    When I queue a PIN update script "22345678" setting the PIN "8642"
    And the card is seen at a chip authorisation
    Then the card's PIN is "8642"
    And the card's events are "create-1, issuer_script-1, issuer_script-1, issuer_script-1, update_password-1"

  Scenario: a script the chip refuses is announced as failed
    Given I have a "VIRTUAL" card named "Chip" for customer 103625634
    When I queue the issuer script "12345679" for the card
    And the card is seen at a chip authorisation where the scripts fail
    Then the last "issuer_script-1" event for the card has:
      | script_event_type | script_failed |
      | status            | FAILURE       |
