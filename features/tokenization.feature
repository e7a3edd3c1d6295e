@webhook
Feature: Network tokens
  As an issuer whose cards go into wallets
  I want every network's provisioning request and every change to a token announced to me, and to manage the tokens myself
  So that I can deliver step-up codes, follow each token through its life and keep tokens with their cards

  Background:
    Given my webhook endpoint is subscribed to the tenant's events

  @provisionNetworkToken
  Scenario: Mastercard digitizes a card at once (green path)
    Given I have an account token for account 8675309
    And I have a "VIRTUAL" card named "Wallet" for customer 103625634
    When the network provisions a token for the card in "Google Pay"
    Then the response status is 200
    And the response has field "outcome" equal to "APPROVED"
    And the network's messages were "TE, TA, TC"
    And the token's status is "ACTIVE"
    And the token's events are "notification-1, notification-1"
    And the last "notification-1" event of the token has:
      | network_call_method | TC           |
      | card_id             | {card_id}    |
      | account_id          | {account_id} |
      | walletId            | 216          |
    And the last "notification-1" event of the token agrees with the token as it reads now
    And the card's events are "create-1, notification-1"
    And every event of the tenant matches its schema
    And my webhook endpoint received the token's events "notification-1, notification-1", signed
    And my webhook endpoint received the card's events "create-1, notification-1", signed

  @provisionNetworkToken
  Scenario: Visa asks for an SMS step-up and the cardholder passes it (yellow path)
    Given I have an account token for account 8675311
    And I have a "VIRTUAL" card named "Wallet" for customer 103625637
    When the network asks to provision a token for the card in "Apple Pay" with an SMS step-up
    Then the response has field "outcome" equal to "STEP_UP"
    And the network's messages were "VTS_APPROVE_PROVISIONING, VTS_GET_CVM, VTS_PASSCODE, VTS_TOKEN_CREATED"
    And the token's events are "notification-1, notification-1, notification-1, send_challenge-1, notification-1"
    And the last "send_challenge-1" event of the tenant has:
      | otp_type | OTPSMS    |
      | card_id  | {card_id} |
    And the token's status is "INACTIVE"
    When the cardholder enters a wrong OTP
    Then the response status is 409
    And the response names the field "/otp" with rule "match"
    And the token's status is "INACTIVE"
    When the cardholder enters the OTP the issuer received
    Then the response status is 200
    And the token's status is "ACTIVE"
    And the last "notification-1" event of the token has:
      | network_call_method | VTS_STATUS_UPDATED_OTP_VERIFICATION_RESULT |
    And the last "notification-1" event of the token agrees with the token as it reads now
    And every event of the tenant matches its schema
    And my webhook endpoint received the token's events "notification-1, notification-1, notification-1, send_challenge-1, notification-1, notification-1", signed

  @virtual-clock
  Scenario: a Mastercard step-up the cardholder never completes
    Given I have an account token for account 8675309
    And I have a "VIRTUAL" card named "Wallet" for customer 103625634
    When the network asks to provision a token for the card in "Samsung Pay" with an EMAIL step-up
    Then the network's messages were "TE, TA, AC"
    And the last "notification-1" event of the token has:
      | network_call_method | AC    |
      | otp_method          | EMAIL |
    When the clock advances by "30m"
    Then the token's status is "DEACTIVATED"
    And the network's messages were "TE, TA, AC, TV"
    And every event of the tenant matches its schema
    And my webhook endpoint received every event of the tenant, signed

  @provisionNetworkToken
  Scenario: the issuer declines a provisioning (red path)
    Given I have an account token for account 8675309
    And I have a "VIRTUAL" card named "Wallet" for customer 103625634
    When the network asks to provision a token for the card and the issuer declines it
    Then the response has field "outcome" equal to "REFUSED"
    And the network's messages were "TE, ISO_MDES_TA refused"
    And the last "notification_refusal-1" event of the tenant has:
      | custom_codes | ISSUER_DECLINED |
      | token_id     | null            |
      | card_id      | {card_id}       |
    And the card has no active token
    And the card has 0 tokens
    And the card's events are "create-1, notification-1, notification_refusal-1"
    And every event of the tenant matches its schema
    And my webhook endpoint received the card's events "create-1, notification-1, notification_refusal-1", signed

  Scenario: a blocked card is not eligible for tokens
    Given I have an account token for account 8675309
    And I have a "VIRTUAL" card named "Wallet" for customer 103625634
    And the card's status has been changed to "BLOCKED"
    When the network provisions a token for the card in "Google Pay"
    Then the network's messages were "ISO_MDES_TE refused"
    And the last "notification_refusal-1" event of the tenant has:
      | custom_codes | CARD_STATUS_NOT_ALLOWED |
    And the card has no active token

  Scenario: wrong CVV2 entries lock a wallet out until the counter is reset
    Given I have an account token for account 8675311
    And I have a "VIRTUAL" card named "Wallet" for customer 103625637
    When the network asks to provision a token for the card in "Samsung Pay" with a wrong CVV2
    And the network asks to provision a token for the card in "Samsung Pay" with a wrong CVV2
    And the network asks to provision a token for the card in "Samsung Pay" with a wrong CVV2
    Then the card's "Samsung Pay" CVV2 try counter is 3
    When the network provisions a token for the card in "Samsung Pay"
    Then the provisioning is refused with "CVV2_TRIES_EXCEEDED"
    When I reset the card's "Samsung Pay" CVV2 try counter
    Then the card's "Samsung Pay" CVV2 try counter is 0
    When the network provisions a token for the card in "Samsung Pay"
    Then the response has field "outcome" equal to "APPROVED"
    And the token's status is "ACTIVE"

  Scenario: suspend, resume and delete a token, and the refusals a token's status brings
    Given I have an account token for account 8675311
    And I have a "VIRTUAL" card named "Wallet" for customer 103625637
    And the network provisions a token for the card in "Google Pay"
    When I resume the token
    Then the response status is 400
    And the response names the field "/operation_type" with rule "transition"
    When I suspend the token
    Then the response status is 200
    And the token's status is "SUSPENDED"
    And the last "notification-1" event of the token has:
      | network_call_method | VTS_STATUS_UPDATED_TOKEN_SUSPEND |
    When I resume the token
    Then the token's status is "ACTIVE"
    When I delete the token
    Then the token's status is "DEACTIVATED"
    And the last "notification-1" event of the token has:
      | network_call_method | VTS_STATUS_UPDATED_TOKEN_DEACTIVATED |
    When I resume the token
    Then the response status is 400
    And the response names the field "/operation_type" with rule "transition"
    And the token's events match their schemas
    And my webhook endpoint received the token's events "notification-1, notification-1, notification-1, notification-1, notification-1", signed

  Scenario: the cardholder deletes a token in the wallet
    Given I have an account token for account 8675309
    And I have a "VIRTUAL" card named "Wallet" for customer 103625634
    And the network provisions a token for the card in "Google Pay"
    When the wallet suspends the token
    Then the token's status is "SUSPENDED"
    When the wallet deletes the token
    Then the token's status is "DEACTIVATED"
    And the network's messages were "TE, TA, TC, TV, TV"
    When the wallet resumes the token
    Then the response status is 409
    And the response names the field "/status" with rule "transition"

  Scenario: suspend every token of a lost card at once
    Given I have an account token for account 8675309
    And I have a "VIRTUAL" card named "Wallet" for customer 103625634
    And the network provisions a token for the card in "Google Pay"
    And the network provisions a token for the card in "Apple Pay"
    When I suspend every token of the card
    Then the response status is 200
    And the token's status is "SUSPENDED"
    And the network's messages were "TE, TA, TC, TE, TA, TC, TV, TV"
    When I suspend every token of the card
    Then the response status is 400
    And the response names the field "card_id" with rule "tokens"

  Scenario: a reissue takes the card's tokens to the new card
    Given I have an account token for account 8675311
    And I have a "VIRTUAL" card named "Wallet" for customer 103625637
    And the network provisions a token for the card in "Google Pay"
    When I reissue the card for reason 1, moving its tokens to the new card
    Then the response status is 200
    And the card has 1 token
    And the previous card has 0 tokens
    And the token's status is "ACTIVE"
    And the previous card's events are "create-1, update-1, pan_update-1"
    And the last "pan_update-1" event for the previous card has:
      | old_card_id | {previous_card_id} |
      | new_card_id | {card_id}          |
      | status      | SUCCESS            |
    And every event of the tenant matches its schema
    And my webhook endpoint received the previous card's events "create-1, update-1, pan_update-1", signed

  Scenario: move a card's tokens to its replacement by hand
    Given I have an account token for account 8675311
    And I have a "VIRTUAL" card named "Old" for customer 103625637
    And the network provisions a token for the card in "Google Pay"
    And I have a "VIRTUAL" card named "New" for customer 103625637
    When I move the previous card's tokens to the card
    Then the response status is 202
    And the card has 1 token
    And the last "pan_update-1" event for the previous card has:
      | new_card_id     | {card_id} |
      | migrated_tokens | 1         |

  Scenario: a card's network profile
    Given I have an account token for account 8675309
    And I have a "VIRTUAL" card named "Wallet" for customer 103625634
    Then the card has no network profile
    When I set the card's network profile to "XYZ-123"
    Then the card's network profile is "XYZ-123"

  Scenario: push provisioning to Google Pay needs Visa's client fields
    Given I have an account token for account 8675311
    And I have a "VIRTUAL" card named "Wallet" for customer 103625637
    When I ask for the card's Google Pay push provisioning data without Visa's client fields
    Then the response status is 400
    And the response names the field "/client_wallet_account_id" with rule "required"
    When I ask for the card's Google Pay push provisioning data with Visa's client fields
    Then the response status is 200
    And the response has field "has_address_info" equal to "false"

  Scenario: enroll a customer in Visa Click to Pay and follow their cards
    Given I have an account token for account 8675311
    And I have a "VIRTUAL" card named "Wallet" for customer 103625637
    When I enroll the customer in Visa Click to Pay with the card
    Then the card's Visa Click to Pay status is "ACTIVE"
    When the card's status has been changed to "BLOCKED"
    Then the card's Visa Click to Pay status is "DISABLED"
    When I remove the customer from Visa Click to Pay
    Then the customer is not enrolled in Visa Click to Pay
