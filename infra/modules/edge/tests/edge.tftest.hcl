mock_provider "aws" {
  # Computed values stay unknown at plan, as in the user's first plan.

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111122223333"
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_cloudfront_cache_policy" {
    defaults = {
      id = "658327ea-f89d-4fab-a63d-7e88639e58f6"
    }
  }

  mock_data "aws_cloudfront_origin_request_policy" {
    defaults = {
      id = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    }
  }

  mock_resource "aws_wafv2_web_acl" {
    defaults = {
      arn = "arn:aws:wafv2:us-east-1:111122223333:global/webacl/taskapp-test-edge/00000000-0000-0000-0000-000000000000"
    }
  }
}

# Realistic validation options for the apply run. The validation record's for_each is keyed
# by var.domain_name, so it needs none of them at plan (they stay unknown there, as in a first
# plan of a new certificate).
override_resource {
  target = aws_acm_certificate.this
  values = {
    domain_validation_options = [{
      domain_name           = "app.example.com"
      resource_record_name  = "_0123456789abcdef.app.example.com."
      resource_record_type  = "CNAME"
      resource_record_value = "_fedcba9876543210.acm-validations.aws."
    }]
  }
}

variables {
  name            = "taskapp-test"
  domain_name     = "app.example.com"
  route53_zone_id = "Z0000000000000000000"
  log_bucket_name = "taskapp-test-logs"
  log_bucket_arn  = "arn:aws:s3:::taskapp-test-logs"
  upload_origins  = ["https://taskapp-test-uploads.s3.xx-test-1.amazonaws.com"]

  alb = {
    mode               = "public"
    arn                = "arn:aws:elasticloadbalancing:xx-test-1:111122223333:loadbalancer/app/taskapp-test/0123456789abcdef"
    origin_domain_name = "origin.app.example.com"
  }

  origin_verify_header = {
    name  = "X-Origin-Verify"
    value = "not-a-real-secret"
  }
}

run "public_alb_origin" {
  # apply (free with the mock provider): the Web ACL's ARN exists only after it is created.
  command = apply

  assert {
    condition     = one(aws_cloudfront_distribution.this.viewer_certificate).minimum_protocol_version == "TLSv1.2_2021"
    error_message = "Viewers need TLS 1.2 (2021 policy) or newer."
  }

  assert {
    condition     = aws_acm_certificate.this.region == "us-east-1" && aws_wafv2_web_acl.this.region == "us-east-1" && aws_wafv2_web_acl.this.scope == "CLOUDFRONT"
    error_message = "The CloudFront certificate and WAF live in us-east-1."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.web_acl_id == aws_wafv2_web_acl.this.arn
    error_message = "The WAF is attached through web_acl_id."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.site.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "The site bucket uses SSE-KMS with the module's key."
  }

  assert {
    condition     = length(aws_cloudfront_vpc_origin.alb) == 0
    error_message = "A public ALB needs no VPC origin."
  }

  assert {
    condition     = strcontains(one(one(aws_cloudfront_response_headers_policy.security.security_headers_config).content_security_policy).content_security_policy, "https://taskapp-test-uploads.s3.xx-test-1.amazonaws.com") && !strcontains(one(one(aws_cloudfront_response_headers_policy.security.security_headers_config).content_security_policy).content_security_policy, "{s3_origin}")
    error_message = "The CSP must name the uploads origin in place of the {s3_origin} placeholder."
  }
}

run "session_cookie_only_on_the_auth_routes" {
  # ADR 0074: the refresh token is an HttpOnly cookie with Path=/api/auth. CloudFront must
  # forward it there (first matching behaviour), never cache those answers, and give the rest
  # of the API no cookie at all.
  command = plan

  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.path_pattern] == ["/api/projects/*/events", "/api/auth/*", "/api/*"]
    error_message = "The events and auth routes' behaviours must come before /api/* (CloudFront takes the first match)."
  }

  assert {
    condition     = alltrue([for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.target_origin_id == "api"])
    error_message = "Every API behaviour goes to the API origin."
  }

  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.compress] == [false, true, true]
    error_message = "The live-update streams are not compressed (ADR 0104); the rest of the API is (ADR 0107)."
  }

  assert {
    condition     = aws_cloudfront_distribution.this.ordered_cache_behavior[0].origin_request_policy_id == aws_cloudfront_origin_request_policy.api.id
    error_message = "The streams get the API's origin request policy: no cookie."
  }

  assert {
    condition     = one(one(aws_cloudfront_origin_request_policy.api_auth.cookies_config).cookies).items == toset(["taskapp_refresh"]) && one(aws_cloudfront_origin_request_policy.api_auth.cookies_config).cookie_behavior == "whitelist"
    error_message = "The auth routes' policy forwards the session cookie, and only it."
  }

  assert {
    condition     = one(aws_cloudfront_origin_request_policy.api.cookies_config).cookie_behavior == "none"
    error_message = "The rest of the API gets no cookie."
  }

  assert {
    condition = alltrue([
      for p in [aws_cloudfront_origin_request_policy.api, aws_cloudfront_origin_request_policy.api_auth] :
      one(p.headers_config).header_behavior == "allExcept" && one(one(p.headers_config).headers).items == toset(["host"]) && one(p.query_strings_config).query_string_behavior == "all"
    ])
    error_message = "Both API policies forward every viewer header but Host (X-Requested-With and Sec-Fetch-Site included: the cross-site guard) and every query string."
  }
}

run "api_compressed_but_never_cached" {
  # ADR 0107: CloudFront compresses only under a cache policy with gzip/Brotli on, which it
  # refuses when all three TTLs are 0. The API's policies keep minimum and default TTL at 0
  # (the API's no-store is obeyed; no header, no caching) and the maximum at 1 s, and key on
  # whatever tells two callers apart. apply (free with the mock provider): the policies' ids
  # exist only once created.
  command = apply

  assert {
    condition     = [for b in aws_cloudfront_distribution.this.ordered_cache_behavior : b.cache_policy_id] == [data.aws_cloudfront_cache_policy.caching_disabled.id, aws_cloudfront_cache_policy.api["api-auth"].id, aws_cloudfront_cache_policy.api["api"].id]
    error_message = "The streams keep CachingDisabled (never compressed); the auth routes and the rest of the API use the module's never-cached policies."
  }

  assert {
    condition = alltrue([
      for p in values(aws_cloudfront_cache_policy.api) :
      p.min_ttl == 0 && p.default_ttl == 0 && p.max_ttl == 1
    ])
    error_message = "API answers are never kept: minimum and default TTL 0 (no-store obeyed, no header means no caching), maximum 1 s (the least that allows compression)."
  }

  assert {
    condition = alltrue([
      for p in values(aws_cloudfront_cache_policy.api) :
      one(p.parameters_in_cache_key_and_forwarded_to_origin).enable_accept_encoding_gzip && one(p.parameters_in_cache_key_and_forwarded_to_origin).enable_accept_encoding_brotli
    ])
    error_message = "The API's policies enable gzip and Brotli, without which CloudFront compresses nothing."
  }

  assert {
    condition = alltrue([
      for p in values(aws_cloudfront_cache_policy.api) :
      one(one(p.parameters_in_cache_key_and_forwarded_to_origin).headers_config).header_behavior == "whitelist" && one(one(one(p.parameters_in_cache_key_and_forwarded_to_origin).headers_config).headers).items == toset(["Authorization"]) && one(one(p.parameters_in_cache_key_and_forwarded_to_origin).query_strings_config).query_string_behavior == "all"
    ])
    error_message = "The Authorization header and every query string are in the API's cache key: two users' requests never share one."
  }

  assert {
    condition     = one(one(aws_cloudfront_cache_policy.api["api"].parameters_in_cache_key_and_forwarded_to_origin).cookies_config).cookie_behavior == "none"
    error_message = "The rest of the API keys on (and gets) no cookie."
  }

  assert {
    condition     = one(one(aws_cloudfront_cache_policy.api["api-auth"].parameters_in_cache_key_and_forwarded_to_origin).cookies_config).cookie_behavior == "whitelist" && one(one(one(aws_cloudfront_cache_policy.api["api-auth"].parameters_in_cache_key_and_forwarded_to_origin).cookies_config).cookies).items == toset(["taskapp_refresh"])
    error_message = "The auth routes key on the session cookie too, and on no other cookie."
  }
}

run "internal_alb_vpc_origin" {
  command = plan

  variables {
    alb = {
      mode               = "internal"
      arn                = "arn:aws:elasticloadbalancing:xx-test-1:111122223333:loadbalancer/app/taskapp-test/0123456789abcdef"
      origin_domain_name = "origin.app.example.com"
    }
  }

  assert {
    condition     = length(aws_cloudfront_vpc_origin.alb) == 1
    error_message = "An internal ALB is reached through a CloudFront VPC origin."
  }
}
