@webhook
Feature: Noname bulks and the physical card pipeline
  As an issuer of physical cards
  I want to make cards in bulk before my customers exist, and have every card embossed on schedule
  So that a customer gets a card at once, and I learn of every card that reaches or fails at the embosser

  Background:
    Given I have an account token for account 8675310
    And my webhook endpoint is subscribed to the tenant's events

  @startBulk @virtual-clock
  Scenario: a started bulk makes its cards, the embosser embosses them and rejects one
    When I create a noname bulk of program 3001 for the external ids "E1, E2"
    Then the response status is 201
    And the response has field "status" equal to "CREATED"
    When I add the external ids "E3" to the bulk
    Then the response has field "size" equal to "3"
    When I start the bulk
    Then the response status is 202
    And the response has field "status" equal to "RUNNING"
    When the clock advances by "1s"
    And the card of the external id "E2" is the card
    Then the card's events are "create-1, embossing_card_ingress-1"
    And the last "create-1" event for the card has:
      | card_status | UMBOUND |
      | external_id | E2      |
      | card_type   | PLASTIC |
      | status      | SUCCESS |
    When the clock advances by "22h"
    Then the card's events are "create-1, embossing_card_ingress-1, embossing-1"
    And the last "embossing-1" event for the card has:
      | embossing_group | EM1-noname  |
      | reembossing     | false       |
    And the last "embossing_summary-1" event of the tenant has:
      | file_type            | NONAME |
      | total_embossed_cards | 3      |
    When the embosser rejects the card with code "017" for the field "card_printed_name"
    Then the card's events are "create-1, embossing_card_ingress-1, embossing-1, card_rejection-1"
    And the last "card_rejection-1" event for the card has:
      | error_code        | 017               |
      | field_description | card_printed_name |
    And every event of the tenant matches its schema
    And my webhook endpoint received the card's events "create-1, embossing_card_ingress-1, embossing-1, card_rejection-1", signed
    And my webhook endpoint received every event of the tenant, signed

  @bindNonameCard @virtual-clock
  Scenario: a noname card bound to its customer becomes theirs
    Given I create a noname bulk of program 3001 for the external ids "B1"
    And I start the bulk
    And the clock advances by "1s"
    And the card of the external id "B1" is the card
    When I bind the card to customer 103625636
    Then the response status is 202
    When the clock advances by "1s"
    Then the card's events are "create-1, embossing_card_ingress-1, bind_card-1"
    And the last "bind_card-1" event for the card has:
      | card_status    | CREATED     |
      | customer_id    | 103625636   |
      | operation_type | BIND_NONAME |
    And the last "bind_card-1" event for the card agrees with the card as it reads now
    And the card's events match their schemas
    And my webhook endpoint received the card's events "create-1, embossing_card_ingress-1, bind_card-1", signed

  @virtual-clock
  Scenario: a run with one rejected card, resent for embossing
    Given I have a "PLASTIC" card named "Wallet" for customer 103625635
    When I change the card's PIN to "2468"
    And the clock advances by "22h"
    Then the card's events are "create-1, embossing_card_ingress-1, update_password-1, embossing-1"
    And the last "embossing-1" event for the card has:
      | embossing_group | EM1-nominal |
      | reembossing     | false       |
    And the last "embossing_summary-1" event of the tenant has:
      | file_type            | NOMINAL |
      | total_embossed_cards | 1       |
    When the embosser rejects the card with code "017" for the field "card_printed_name"
    Then the last "card_rejection-1" event for the card has:
      | error_code        | 017               |
      | field_description | card_printed_name |
    Given I have an account token for account 8675310
    When I resend the card for embossing
    Then the response status is 202
    When the clock advances by "24h"
    Then the last "embossing-1" event for the card has:
      | reembossing         | true |
      | reembossing_counter | 1    |
    And every event of the tenant matches its schema
    And my webhook endpoint received every event of the tenant, signed

  @virtual-clock
  Scenario: a card queued on demand goes to another embosser's run
    Given I have a "PLASTIC" card named "Wallet" for customer 103625635
    When I queue the card for the next embossing
    Then the response status is 202
    When I move the card to the embossing group "EM2-express"
    Then the response status is 204
    When the clock advances by "12h"
    Then the card's events are "create-1, embossing_card_ingress-1, embossing-1"
    And the last "embossing-1" event for the card has:
      | embossing_group | EM2-express |
    And my webhook endpoint received the card's events "create-1, embossing_card_ingress-1, embossing-1", signed

  Scenario: moving a card to a group that does not exist is refused
    Given I have a "PLASTIC" card named "Wallet" for customer 103625635
    When I move the card to the embossing group "EM9-nowhere"
    Then the response status is 404
    And the response names the field "/embossing_group" with rule "exists"

  Scenario: a bulk is not started twice
    Given I create a noname bulk of program 3001 for the external ids "T1"
    And I start the bulk
    When I start the bulk
    Then the response status is 409

  @virtual-clock
  Scenario: a cancellation takes the cards still waiting for a customer
    When I create a noname bulk of program 3001 for the external ids "C1, C2"
    And I start the bulk
    And the clock advances by "1s"
    And I cancel the external ids "C1, C9" of the bulk
    Then the response status is 202
    When the clock advances by "1s"
    And the card of the external id "C1" is the card
    Then the last "noname_cancellation-1" event for the card has:
      | status       | SUCCESS                       |
      | message_code | EXTERNAL_ID_AND_CARD_CANCELED |
    And the last "noname_cancellation-1" event of the tenant has:
      | external_id  | C9                    |
      | status       | FAILURE               |
      | message_code | EXTERNAL_ID_NOT_FOUND |
    And every event of the tenant matches its schema
    When I bind the card to customer 103625636
    Then the response status is 409
