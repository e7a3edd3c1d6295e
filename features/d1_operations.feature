@webhook
Feature: The token platform's (D1) card operations
  As an issuer whose cards live at a processor and at D1
  I want to suspend, resume, delete and renew a card at D1, read back what happened, and be notified of it
  So that my cards' tokens follow the card, and I see where the processor and D1 disagree

  Background:
    Given I have an account token for account 8675309
    And my webhook endpoint is subscribed to the tenant's events
    And I have a "VIRTUAL" card named "Tokens" for customer 103625634
    And I am the tenant's D1 issuer
    And D1 notifies the issuer's endpoint
    And the card is registered with D1 as "card-1"

  @suspendCard @resumeCard
  Scenario: suspend a lost card, then resume it when it is found
    When I "suspend" the D1 card "card-1" with reason code "CARD_LOST"
    Then the response status is 200
    And the response has field "status" equal to "SUCCESSFUL"
    And the D1 card "card-1" is "SUSPENDED"
    And the last "card_operation-1" event of the D1 card "card-1" agrees with its operation as it reads now
    When I "resume" the D1 card "card-1" with reason code "CARD_FOUND"
    Then the response status is 200
    And the D1 card "card-1" is "ACTIVE"
    And the last operation of the D1 card "card-1" is a "RESUME" that is "SUCCESSFUL"
    And the D1 card "card-1"'s events are "card_operation-1, card_operation-1, card_operation-1"
    And the last "card_operation-1" event of the D1 card "card-1" agrees with its operation as it reads now
    And the D1 card "card-1"'s events match their schemas
    And the issuer's endpoint was notified of the D1 card "card-1"'s operations "REGISTER SUCCESSFUL, SUSPEND SUCCESSFUL, RESUME SUCCESSFUL"

  @suspendCard @resumeCard
  Scenario: a stolen card is not resumed as found
    Given I "suspend" the D1 card "card-1" with reason code "CARD_STOLEN"
    When I "resume" the D1 card "card-1" with reason code "CARD_FOUND"
    Then the response status is 403
    And the response names the field "/reasonCode" with rule "reason_code"
    And the last operation of the D1 card "card-1" is a "RESUME" that is "FAILED"
    And the D1 card "card-1" is "SUSPENDED"
    And the issuer's endpoint was notified of the D1 card "card-1"'s operations "REGISTER, SUSPEND SUCCESSFUL, RESUME FAILED"

  Scenario: a found card is not suspended as found
    When I "suspend" the D1 card "card-1" with reason code "CARD_FOUND"
    Then the response status is 403
    And the response names the field "/reasonCode" with rule "reason_code"
    And the D1 card "card-1" is "ACTIVE"

  Scenario: an active card is not resumed
    When I "resume" the D1 card "card-1"
    Then the response status is 403
    And the response names the field "cardId" with rule "state"
    And the last operation of the D1 card "card-1" is a "RESUME" that is "FAILED"

  Scenario: a deactivated end user's card is not resumed
    Given I have a "VIRTUAL" card named "Closed" for customer 103625634
    And the card is registered with D1 as "card-2" with an inactive end user
    And I "suspend" the D1 card "card-2"
    When I "resume" the D1 card "card-2"
    Then the response status is 403
    And the response names the field "cardId" with rule "end_user"

  @deleteCard
  Scenario: delete is irreversible
    When I "delete" the D1 card "card-1"
    Then the response status is 200
    And the D1 card "card-1" is "DELETED"
    And the D1 card "card-1"'s events are "card_operation-1, card_operation-1"
    And the last "card_operation-1" event of the D1 card "card-1" agrees with its operation as it reads now
    And the D1 card "card-1"'s events match their schemas
    And the issuer's endpoint was notified of the D1 card "card-1"'s operations "REGISTER, DELETE SUCCESSFUL"
    When I "resume" the D1 card "card-1"
    Then the response status is 403
    And the response names the field "cardId" with rule "state"
    When I "delete" the D1 card "card-1"
    Then the response status is 403

  Scenario: delete accepts only the issuer's decision
    When I "delete" the D1 card "card-1" with reason code "CARD_LOST"
    Then the response status is 403
    And the response names the field "/reasonCode" with rule "reason_code"
    And the D1 card "card-1" is "ACTIVE"

  @renewCard
  Scenario: renew a card with its new PAN in encrypted data
    When I renew the D1 card "card-1" as "card-1b" in state "INACTIVE" with PAN "4111112200000027" expiring "1230"
    Then the response status is 200
    And the D1 card "card-1" is "REPLACED"
    And the D1 card "card-1b" is "INACTIVE"
    And the last operation of the D1 card "card-1" is a "RENEW" that is "SUCCESSFUL"
    And the D1 card "card-1"'s events are "card_operation-1, card_operation-1"
    And the last "card_operation-1" event of the D1 card "card-1" agrees with its operation as it reads now
    And the D1 card "card-1"'s events match their schemas
    And the issuer's endpoint was notified of the D1 card "card-1"'s operations "REGISTER, RENEW SUCCESSFUL"

  Scenario: a renew whose encrypted data breaks the rules is refused
    When I renew the D1 card "card-1" as "card-1b" in state "ACTIVE" with PAN "41111122" expiring "1230"
    Then the response status is 400
    And the response names the field "/encryptedData/pan" with rule "pattern"
    And the D1 card "card-1" is "ACTIVE"

  @renewCard
  Scenario: a deleted card is not renewed
    Given I "delete" the D1 card "card-1"
    When I renew the D1 card "card-1" as "card-1b" in state "ACTIVE"
    Then the response status is 403
    And the last operation of the D1 card "card-1" is a "RENEW" that is "FAILED"
    And the issuer's endpoint was notified of the D1 card "card-1"'s operations "REGISTER, DELETE SUCCESSFUL, RENEW FAILED"

  @listCardOperations
  Scenario: the operations log, newest first, a page at a time
    Given I "suspend" the D1 card "card-1"
    And I "resume" the D1 card "card-1"
    When I list the operations of the D1 card "card-1", 1 at a time
    Then the response status is 200
    And the operations listed are "RESUME"
    And 2 more operations remain
    When I list the operations of the D1 card "card-1", 50 at a time after the 1 most recent
    Then the operations listed are "SUSPEND, REGISTER"
    And 0 more operations remain
    When I list the operations of the D1 card "card-1", 51 at a time
    Then the response status is 400
    And the response names the field "limit" with rule "maximum"

  @getCardOperation
  Scenario: an operation read back by its id
    Given I "suspend" the D1 card "card-1" with reason code "CARD_LOST"
    When I read the operation I did last on the D1 card "card-1"
    Then the operation read is a "SUSPEND" that is "SUCCESSFUL"
    And the response has field "reasonCode" equal to "CARD_LOST"
    And the response has field "requestorType" equal to "ISSUER"
    And the last "card_operation-1" event of the D1 card "card-1" agrees with its operation as it reads now

  Scenario: the processor's token does not open D1's routes
    When I "suspend" the D1 card "card-1" with the processor's token
    Then the response status is 401
    And the response names the field "Authorization" with rule "signature"

  @virtual-clock
  Scenario: operations older than three months leave the log
    Given I "suspend" the D1 card "card-1"
    When the clock advances by "2160h"
    And I am the tenant's D1 issuer
    And I list the operations of the D1 card "card-1"
    Then 0 more operations remain
    And no operation is listed

  Scenario: the processor blocks a card and D1 is not told
    When I change the card's status to "BLOCKED"
    Then the drift report lists the D1 card "card-1" as "ACTIVE" against "BLOCKED"
    When I "suspend" the D1 card "card-1"
    Then the drift report is empty

  Scenario: with propagation, a processor block reaches D1 as the networks carry it
    Given the tenant's processor changes reach D1
    When I change the card's status to "BLOCKED"
    Then the D1 card "card-1" is "SUSPENDED"
    And the last operation of the D1 card "card-1" is a "SUSPEND" that is "SUCCESSFUL"
    And the drift report is empty
    And the issuer's endpoint was notified of the D1 card "card-1"'s operations "REGISTER, SUSPEND SUCCESSFUL"
    And my webhook endpoint received the card's events "create-1, update-1", signed
