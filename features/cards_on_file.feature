Feature: Cards on file and their validation
  As a wallet of the card processor
  I want to keep my customers' cards on file and prove they hold them with a small charge
  So that stored cards are real and their owners', and every change is announced

  Background:
    Given I have an account token for account 8675309

  Scenario: a card stored without validation is active at once
    When I store the card "4111111111111111" expiring "1229" on file without validation
    Then the response status is 200
    And the stored card's status is "ACTIVE"
    And the stored card's events are "provision-1"
    And the last "provision-1" event for the stored card has:
      | first_6_digits | 411111 |
      | last_4_digits  | 1111   |
      | issuer_card    | false  |

  Scenario: a stored card is verified by the charged amount
    When I store the card "4111111111111111" expiring "1229" on file
    Then the stored card's status is "PENDING"
    When I start a validation of the stored card with 3 tries
    Then the response status is 201
    When I answer the validation with a wrong amount
    Then the response status is 204
    When I answer the validation with the charged amount
    Then the stored card's status is "ACTIVE"
    And the stored card's events are "provision-1, verification-1, verification-1, verification-1, verification-1"
    And the last "verification-1" event for the stored card has:
      | status     | VERIFIED |
      | account_id | 8675309  |

  Scenario: the last wrong answer drops the card from the wallet
    When I store the card "5555555555554444" expiring "1229" on file
    And I start a validation of the stored card with 1 tries
    And I answer the validation with a wrong amount
    Then the stored card is no longer on file
    And the stored card's events are "provision-1, verification-1, verification-1, verification-1, exclusion-1"
    And the last "exclusion-1" event for the stored card has:
      | origin | CRM |

  @virtual-clock
  Scenario: a validation nobody answers expires on the clock
    When I store the card "5555555555554444" expiring "1229" on file
    And I start a validation of the stored card with 3 tries
    And the clock advances by "96h"
    Then the stored card's events are "provision-1, verification-1, verification-1, verification-1, exclusion-1"

  Scenario: an expired card is refused at once
    When I store the card "4111111111111111" expiring "1225" on file
    Then the stored card is no longer on file
    And the stored card's events are "provision-1, verification-1, exclusion-1"

  Scenario: suspending a stored card excludes it until it is reactivated
    When I store the card "378282246310005" expiring "0430" on file without validation
    And I suspend the stored card
    Then the response status is 200
    And the stored card's status is "SUSPENDED"
    When I reactivate the stored card
    Then the stored card's events are "provision-1, patch-cards-1, exclusion-1, patch-cards-1"
    And the last "patch-cards-1" event for the stored card has:
      | card_status | ACTIVE |

  Scenario: a card number that fails the Luhn check is refused
    When I store the card "4111111111111112" expiring "1229" on file
    Then the response status is 400
    And the response names the field "/pan" with rule "luhn"

  Scenario: the processor migrates a RECURRING card to VIRTUAL
    Given I have an account token for account 8675312
    And I have a "RECURRING" card named "Streaming" for customer 103625638
    When the processor migrates the card to VIRTUAL
    Then the card's events are "create-1, update_type-1"
    And the last "update_type-1" event for the card has:
      | card_type          | VIRTUAL   |
      | card_previous_type | RECURRING |
      | status             | SUCCESS   |
