mock_provider "aws" {
  mock_resource "aws_sesv2_email_identity" {
    defaults = {
      arn = "arn:aws:ses:xx-test-1:111122223333:identity/mail.example.com"
      dkim_signing_attributes = {
        tokens = ["tokena", "tokenb", "tokenc"]
      }
    }
  }

  mock_resource "aws_sesv2_configuration_set" {
    defaults = {
      arn = "arn:aws:ses:xx-test-1:111122223333:configuration-set/taskapp-test"
    }
  }
}

variables {
  name            = "taskapp-test"
  domain          = "mail.example.com"
  route53_zone_id = "Z0000000TEST"
}

run "domain_identity_with_dkim_and_a_strict_configuration_set" {
  command = apply

  assert {
    condition     = one(aws_sesv2_email_identity.this.dkim_signing_attributes).next_signing_key_length == "RSA_2048_BIT"
    error_message = "Easy DKIM with 2048-bit keys."
  }

  assert {
    condition     = [for r in aws_route53_record.dkim : r.name] == ["tokena._domainkey.mail.example.com", "tokenb._domainkey.mail.example.com", "tokenc._domainkey.mail.example.com"]
    error_message = "One DKIM CNAME per token, in the identity's zone."
  }

  assert {
    condition     = alltrue([for r in aws_route53_record.dkim : r.type == "CNAME" && one(r.records) == "${split(".", r.name)[0]}.dkim.amazonses.com"])
    error_message = "Each DKIM record points at SES's key for its token."
  }

  assert {
    condition     = one(aws_sesv2_configuration_set.this.delivery_options).tls_policy == "REQUIRE" && toset(one(aws_sesv2_configuration_set.this.suppression_options).suppressed_reasons) == toset(["BOUNCE", "COMPLAINT"])
    error_message = "Messages go out over TLS only, and bounced or complaining addresses are suppressed."
  }

  assert {
    condition     = output.from_address == "no-reply@mail.example.com"
    error_message = "The sender address is the local part at the domain."
  }
}

run "the_send_policy_allows_one_action_from_one_address" {
  command = apply

  assert {
    condition = jsondecode(output.send_policy_json).Statement[0].Action == "ses:SendEmail" && toset(jsondecode(output.send_policy_json).Statement[0].Resource) == toset([
      "arn:aws:ses:xx-test-1:111122223333:identity/mail.example.com",
      "arn:aws:ses:xx-test-1:111122223333:configuration-set/taskapp-test",
    ])
    error_message = "Only ses:SendEmail, only on this identity and configuration set."
  }

  assert {
    condition     = jsondecode(output.send_policy_json).Statement[0].Condition.StringEquals["ses:FromAddress"] == "no-reply@mail.example.com"
    error_message = "Only from the app's own address."
  }
}

run "a_domain_with_upper_case_or_no_dot_is_rejected" {
  command = plan

  variables {
    domain = "Example"
  }

  expect_failures = [var.domain]
}
