@webhook
Feature: Webhook delivery
  As an integrator who receives the processor's events at my own endpoint
  I want every event delivered, signed as Standard Webhooks specifies, retried when my endpoint fails, and
  signed with both secrets while I rotate mine
  So that my endpoint can trust every event and miss none

  Background:
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events

  Scenario: each event arrives once, signed, with its id and the body the log holds
    Given I have a "VIRTUAL" card named "Signed" for customer 103625634
    When I change the card's status to "BLOCKED"
    And I change the card's status to "NORMAL"
    Then the card's events are "create-1, update-1, update-1"
    And my webhook endpoint received the card's events "create-1, update-1, update-1", signed
    And my webhook endpoint received the card's "update-1" event 1 times, with the same webhook id
    And every event of the tenant matches its schema

  @virtual-clock
  Scenario: an endpoint that fails gets the same message again on the retry schedule
    Given my webhook endpoint answers the next 1 delivery with 503
    When I create a "VIRTUAL" card named "Retried" for customer 103625634
    Then the delivery of the card's "create-1" event has failed and waits for its retry
    When the clock advances by "5s"
    Then my webhook endpoint received the card's "create-1" event 2 times, with the same webhook id
    And my webhook endpoint received the card's events "create-1", signed

  Scenario: during a rotation each delivery is signed with the old and the new secret
    Given I have a "VIRTUAL" card named "Rotated" for customer 103625634
    And my webhook endpoint received the card's events "create-1", signed
    When I rotate my webhook endpoint's secret
    And I change the card's status to "BLOCKED"
    Then the card's "update-1" event reached my webhook endpoint signed with the old and the new secret

  Scenario: a message delivered already is delivered again on request, with the same id
    Given I have a "VIRTUAL" card named "Again" for customer 103625634
    And my webhook endpoint received the card's events "create-1", signed
    When I redeliver the card's "create-1" event to my webhook endpoint
    Then my webhook endpoint received the card's "create-1" event 2 times, with the same webhook id

  Scenario: events of a card that fails at the processor are delivered too
    Given I have a "VIRTUAL" card named "Fragile" for customer 103625634
    And the processor will fail the next call of "updateCardStatus" for the card with "processor timeout"
    When I change the card's status to "BLOCKED"
    Then the response status is 500
    And the last "update-1" event for the card has:
      | status | FAILURE |
    And my webhook endpoint received the card's events "create-1, update-1", signed
