@webhook
Feature: A virtual card's CVV
  As an integrator of the card processor
  I want my virtual cards' CVVs to rotate on demand and on a schedule
  So that a leaked CVV stops working soon, and every rotation reaches my systems, signed

  Background:
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events

  @rotateCardCvv
  Scenario: rotating a virtual card's CVV announces the next rotation
    Given I have a "VIRTUAL" card named "Online" for customer 103625634 whose CVV rotates every 24 hours
    When I rotate the card's CVV
    Then the response status is 200
    And the card's events are "create-1, rotate_cvv-1"
    And the last "rotate_cvv-1" event for the card has:
      | cvv_rotation_type      | MANUAL               |
      | cvv_next_rotation_date | 2026-01-02T00:00:00Z |
      | card_id                | {card_id}            |
    And the last "rotate_cvv-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, rotate_cvv-1", signed

  @virtual-clock
  Scenario: a virtual card's CVV rotates by itself on the clock
    Given I have a "VIRTUAL" card named "Online" for customer 103625634 whose CVV rotates every 24 hours
    When the clock advances by "24h"
    Then the card's events are "create-1, rotate_cvv-1"
    And the last "rotate_cvv-1" event for the card has:
      | cvv_rotation_type      | AUTOMATIC            |
      | cvv_next_rotation_date | 2026-01-03T00:00:00Z |
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, rotate_cvv-1", signed

  Scenario: only a virtual card's CVV rotates
    Given I have an account token for account 8675310
    And I have a "PLASTIC" card named "Wallet" for customer 103625635
    When I rotate the card's CVV
    Then the response status is 400
    And the response names the field "cardId" with rule "type"
    And the card's events are "create-1, embossing_card_ingress-1"
