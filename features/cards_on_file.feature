@webhook
Feature: Cards on file and their validation
  As a wallet of the card processor
  I want to keep my customers' cards on file and prove they hold them with a small charge
  So that stored cards are real and their owners', and every change reaches my systems, signed

  Background:
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events

  @createCardOnFileV3
  Scenario: a card stored without validation is active at once
    When I store the card "4111111111111111" expiring "1229" on file without validation
    Then the response status is 200
    And the stored card's status is "ACTIVE"
    And the stored card's events are "provision-1"
    And the last "provision-1" event for the stored card has:
      | first_6_digits | 411111 |
      | last_4_digits  | 1111   |
      | issuer_card    | false  |
    And the last "provision-1" event for the stored card agrees with the stored card as it reads now
    And the stored card's events match their schemas
    And my webhook endpoint received the stored card's events "provision-1", signed

  @createCardOnFileV3
  Scenario: an expired card is stored, verified and excluded at once
    When I store the card "4111111111111111" expiring "1225" on file
    Then the stored card is no longer on file
    And the stored card's events are "provision-1, verification-1, exclusion-1"
    And the last "exclusion-1" event for the stored card has:
      | origin | CRM |
    And the stored card's events match their schemas
    And my webhook endpoint received the stored card's events "provision-1, verification-1, exclusion-1", signed

  @createCardValidation @submitValidationTry
  Scenario: a stored card is verified by the charged amount
    When I store the card "4111111111111111" expiring "1229" on file
    Then the stored card's status is "PENDING"
    And the stored card's events are "provision-1, verification-1"
    When I start a validation of the stored card with 3 tries
    Then the response status is 201
    And the stored card's events are "provision-1, verification-1, verification-1"
    When I answer the validation with a wrong amount
    Then the response status is 204
    And the stored card's events are "provision-1, verification-1, verification-1, verification-1"
    And the last "verification-1" event for the stored card has:
      | status | PENDING |
    When I answer the validation with the charged amount
    Then the stored card's status is "ACTIVE"
    And the stored card's events are "provision-1, verification-1, verification-1, verification-1, verification-1"
    And the last "verification-1" event for the stored card has:
      | status     | VERIFIED |
      | account_id | 8675309  |
    And the last "verification-1" event for the stored card agrees with the stored card as it reads now
    And the stored card's events match their schemas
    And my webhook endpoint received the stored card's events "provision-1, verification-1, verification-1, verification-1, verification-1", signed

  @submitValidationTry
  Scenario: the last wrong answer drops the card from the wallet
    When I store the card "5555555555554444" expiring "1229" on file
    And I start a validation of the stored card with 1 tries
    And I answer the validation with a wrong amount
    Then the stored card is no longer on file
    And the stored card's events are "provision-1, verification-1, verification-1, verification-1, exclusion-1"
    And the last "exclusion-1" event for the stored card has:
      | origin | CRM |
    And the stored card's events match their schemas
    And my webhook endpoint received the stored card's events "provision-1, verification-1, verification-1, verification-1, exclusion-1", signed

  @virtual-clock @createCardValidation
  Scenario: a validation nobody answers expires on the clock
    When I store the card "5555555555554444" expiring "1229" on file
    And I start a validation of the stored card with 3 tries
    And the clock advances by "96h"
    Then the stored card's events are "provision-1, verification-1, verification-1, verification-1, exclusion-1"
    And the stored card's events match their schemas
    And my webhook endpoint received the stored card's events "provision-1, verification-1, verification-1, verification-1, exclusion-1", signed

  @updateCardOnFileV3
  Scenario: suspending a stored card excludes it until it is reactivated
    When I store the card "378282246310005" expiring "0430" on file without validation
    And I suspend the stored card
    Then the response status is 200
    And the stored card's status is "SUSPENDED"
    And the stored card's events are "provision-1, patch-cards-1, exclusion-1"
    And the last "patch-cards-1" event for the stored card has:
      | card_status | SUSPENDED |
    When I reactivate the stored card
    Then the stored card's events are "provision-1, patch-cards-1, exclusion-1, patch-cards-1"
    And the last "patch-cards-1" event for the stored card has:
      | card_status | ACTIVE |
    And the last "patch-cards-1" event for the stored card agrees with the stored card as it reads now
    And the stored card's events match their schemas
    And my webhook endpoint received the stored card's events "provision-1, patch-cards-1, exclusion-1, patch-cards-1", signed

  Scenario: a card number that fails the Luhn check is refused
    When I store the card "4111111111111112" expiring "1229" on file
    Then the response status is 400
    And the response names the field "/pan" with rule "luhn"
