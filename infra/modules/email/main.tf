################################################################################
# E-mail from the app (invitations; ADR 0105): an SES domain identity with Easy DKIM, its DNS
# records, and a configuration set that requires TLS and suppresses bounces and complaints.
# The API's task role gets the send permission this module outputs (compute module).
################################################################################

resource "aws_sesv2_configuration_set" "this" {
  configuration_set_name = var.name

  delivery_options {
    tls_policy = "REQUIRE"
  }

  reputation_options {
    reputation_metrics_enabled = true
  }

  sending_options {
    sending_enabled = true
  }

  suppression_options {
    suppressed_reasons = ["BOUNCE", "COMPLAINT"]
  }
}

resource "aws_sesv2_email_identity" "this" {
  email_identity         = var.domain
  configuration_set_name = aws_sesv2_configuration_set.this.configuration_set_name

  dkim_signing_attributes {
    next_signing_key_length = "RSA_2048_BIT"
  }
}

# Easy DKIM always issues three tokens, known only once the identity exists: the records are
# counted (a fixed three), not keyed by values that are unknown at plan time.
resource "aws_route53_record" "dkim" {
  count = 3

  zone_id = var.route53_zone_id
  name    = "${one(aws_sesv2_email_identity.this.dkim_signing_attributes).tokens[count.index]}._domainkey.${var.domain}"
  type    = "CNAME"
  ttl     = 1800
  records = ["${one(aws_sesv2_email_identity.this.dkim_signing_attributes).tokens[count.index]}.dkim.amazonses.com"]
}

locals {
  from_address = "${var.from_local_part}@${var.domain}"
}

# Least privilege for the sender: send only, only from this address, only through this
# identity and configuration set.
locals {
  send_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "SendInvitations"
      Effect    = "Allow"
      Action    = "ses:SendEmail"
      Resource  = [aws_sesv2_email_identity.this.arn, aws_sesv2_configuration_set.this.arn]
      Condition = { StringEquals = { "ses:FromAddress" = local.from_address } }
    }]
  }
}
