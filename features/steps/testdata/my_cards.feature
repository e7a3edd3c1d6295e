# An example of a feature a QA team writes for its own product with the step library: its own words around the
# library's phrases, a fresh tenant per scenario, a webhook endpoint of its own, and the events it expects.
@webhook
Feature: Our debit cards
  As the cards team of a digital bank
  We want each new debit card, and each block our support desk asks for, to reach our ledger
  So that the ledger and the processor never disagree

  Background:
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events

  Scenario: support blocks a customer's card at their request
    Given I have a "VIRTUAL" card named "Everyday" for customer 103625634
    When I change the card's status to "BLOCKED"
    Then the response status is 200
    And the card's events are "create-1, update-1"
    And the last "update-1" event for the card has:
      | operation_type       | UPDATE_STATUS_PUT |
      | card_previous_status | NORMAL            |
    And the last "update-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, update-1", signed
