data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

# AWS managed CloudFront policies.
data "aws_cloudfront_cache_policy" "caching_optimized" {
  name = "Managed-CachingOptimized"
}

# Only the live-update streams: all three TTLs 0 switch caching off, and with it CloudFront's
# compression (ADR 0104 wants the streams uncompressed). The rest of the API uses the
# cache policies below (ADR 0107).
data "aws_cloudfront_cache_policy" "caching_disabled" {
  name = "Managed-CachingDisabled"
}


locals {
  # The security headers are shared with the local edge (ops/): one JSON file, two servers.
  # `{s3_origin}` in the CSP stands for the uploads bucket the browser POSTs to.
  security_headers = jsondecode(file("${path.module}/security_headers.json"))
  content_security_policy = coalesce(
    var.content_security_policy,
    replace(local.security_headers["Content-Security-Policy"], "{s3_origin}", join(" ", var.upload_origins)),
  )
  # Headers without a dedicated field in the policy's security_headers_config.
  custom_security_headers = {
    for k, v in local.security_headers : k => v
    if !contains(["Strict-Transport-Security", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"], k)
  }

  account_id       = data.aws_caller_identity.current.account_id
  partition        = data.aws_partition.current.partition
  site_bucket_name = coalesce(var.site_bucket_name, "${var.name}-site-${local.account_id}")
  site_origin_id   = "site"
  api_origin_id    = "api"
  internal_alb     = var.alb.mode == "internal"
}

################################################################################
# Static site bucket (private, read by CloudFront through Origin Access Control)
################################################################################

resource "aws_s3_bucket" "site" {
  #checkov:skip=CKV_AWS_144:The site is rebuilt from source by the deploy tool; no replication needed.
  #checkov:skip=CKV2_AWS_62:No event notifications are needed on the site bucket.
  bucket        = local.site_bucket_name
  force_destroy = var.force_destroy

  tags = {
    Name = local.site_bucket_name
  }
}

resource "aws_s3_bucket_ownership_controls" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "site" {
  bucket = aws_s3_bucket.site.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "site" {
  bucket = aws_s3_bucket.site.id

  versioning_configuration {
    status = "Enabled"
  }
}

# SSE-KMS with a key of its own: CloudFront reads through OAC, so the key policy lets
# cloudfront.amazonaws.com decrypt for this distribution only (AWS's OAC + SSE-KMS pattern).
# No dependency cycle: the key (and its policy) depends on the distribution, the
# distribution only on the bucket. Bucket keys keep the KMS calls per cache miss low.
resource "aws_s3_bucket_server_side_encryption_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.site.arn
    }
    bucket_key_enabled = true
  }
}

data "aws_iam_policy_document" "site_kms" {
  #checkov:skip=CKV_AWS_109:Key policy: Resource "*" means this key only; the root statement delegates to IAM, which is AWS's required default.
  #checkov:skip=CKV_AWS_111:Key policy: Resource "*" means this key only.
  #checkov:skip=CKV_AWS_356:Key policy: Resource "*" means this key only.

  # Delegate to IAM: the deploy role's IAM policy (infra/bootstrap) grants it encryption
  # through S3 for this bucket.
  statement {
    sid       = "EnableIamPolicies"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  statement {
    sid       = "CloudFrontDecryptThisDistribution"
    actions   = ["kms:Decrypt"]
    resources = ["*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }
}

resource "aws_kms_key" "site" {
  description             = "${var.name} static site bucket (SSE-KMS; CloudFront decrypts through OAC)"
  enable_key_rotation     = true
  rotation_period_in_days = 365
  deletion_window_in_days = var.site_kms_deletion_window_in_days
  policy                  = data.aws_iam_policy_document.site_kms.json

  tags = {
    Name = "${var.name}-site"
  }
}

resource "aws_kms_alias" "site" {
  name          = "alias/${var.name}-site"
  target_key_id = aws_kms_key.site.key_id
}

resource "aws_s3_bucket_lifecycle_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  rule {
    id     = "old-builds"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = 30
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.site]
}

resource "aws_s3_bucket_logging" "site" {
  bucket        = aws_s3_bucket.site.id
  target_bucket = var.log_bucket_name
  target_prefix = "s3/${local.site_bucket_name}/"
}

data "aws_iam_policy_document" "site" {
  statement {
    sid       = "CloudFrontReadObjects"
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.site.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }

  # Lets S3 answer 404 (not 403) for a missing asset.
  statement {
    sid       = "CloudFrontList"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.site.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudfront.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "AWS:SourceArn"
      values   = [aws_cloudfront_distribution.this.arn]
    }
  }

  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.site.arn,
      "${aws_s3_bucket.site.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "site" {
  bucket = aws_s3_bucket.site.id
  policy = data.aws_iam_policy_document.site.json

  depends_on = [aws_s3_bucket_public_access_block.site]
}

resource "aws_cloudfront_origin_access_control" "site" {
  name                              = local.site_bucket_name
  description                       = "${var.name} static site"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

################################################################################
# Certificate in us-east-1 (provider v6 per-resource region), DNS-validated
################################################################################

resource "aws_acm_certificate" "this" {
  region            = "us-east-1"
  domain_name       = var.domain_name
  validation_method = "DNS"

  tags = {
    Name = var.domain_name
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Keyed by the certificate's domain name, known at plan. Keys taken from
# domain_validation_options would be known at plan only because the real provider pre-fills
# them; with any other planner (a mocked first plan) they are unknown and for_each fails.
resource "aws_route53_record" "validation" {
  for_each = toset([var.domain_name])

  zone_id         = var.route53_zone_id
  name            = one([for dvo in aws_acm_certificate.this.domain_validation_options : dvo.resource_record_name if dvo.domain_name == each.key])
  type            = one([for dvo in aws_acm_certificate.this.domain_validation_options : dvo.resource_record_type if dvo.domain_name == each.key])
  records         = [one([for dvo in aws_acm_certificate.this.domain_validation_options : dvo.resource_record_value if dvo.domain_name == each.key])]
  ttl             = 60
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "this" {
  region                  = "us-east-1"
  certificate_arn         = aws_acm_certificate.this.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}

################################################################################
# Edge logic and headers
################################################################################

# SPA routing: a path without a file extension is an app route; serve the shell.
resource "aws_cloudfront_function" "spa_routing" {
  name    = "${var.name}-spa-routing"
  runtime = "cloudfront-js-2.0"
  comment = "Rewrite extension-less paths to /index.html"
  publish = true
  code    = <<-JS
    function handler(event) {
      var request = event.request;
      var uri = request.uri;
      if (uri.indexOf('/api/') === 0) {
        return request;
      }
      if (uri.lastIndexOf('.') <= uri.lastIndexOf('/')) {
        request.uri = '/index.html';
      }
      return request;
    }
  JS
}

resource "aws_cloudfront_response_headers_policy" "security" {
  #checkov:skip=CKV_AWS_259:HSTS is one year, includeSubDomains, override; `preload` is the variable hsts_preload (off by default) because preloading is decided for the whole registrable domain by its owner and is slow to undo.
  name    = "${var.name}-security-headers"
  comment = "Security headers of security_headers.json (shared with the local edge)"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = var.hsts_max_age_seconds
      include_subdomains         = true
      preload                    = var.hsts_preload
      override                   = true
    }

    content_security_policy {
      content_security_policy = local.content_security_policy
      override                = true
    }

    content_type_options {
      override = true
    }

    referrer_policy {
      referrer_policy = local.security_headers["Referrer-Policy"]
      override        = true
    }

    frame_options {
      frame_option = local.security_headers["X-Frame-Options"]
      override     = true
    }
  }

  dynamic "custom_headers_config" {
    for_each = length(local.custom_security_headers) > 0 ? [1] : []

    content {
      dynamic "items" {
        for_each = local.custom_security_headers

        content {
          header   = items.key
          value    = items.value
          override = true
        }
      }
    }
  }
}

################################################################################
# What reaches the API: every viewer header and query string except Host (the ALB
# certificate is for the origin name, not the site name), as the managed
# AllViewerExceptHostHeader policy, but cookies only where the API reads one: the session
# cookie (the refresh token, ADR 0074) on the auth routes. Nothing is cached (the cache
# policies below).
################################################################################

resource "aws_cloudfront_origin_request_policy" "api" {
  name    = "${var.name}-api"
  comment = "API: viewer headers but Host, query strings; no cookies"

  headers_config {
    header_behavior = "allExcept"

    headers {
      items = ["host"]
    }
  }

  cookies_config {
    cookie_behavior = "none"
  }

  query_strings_config {
    query_string_behavior = "all"
  }
}

resource "aws_cloudfront_origin_request_policy" "api_auth" {
  name    = "${var.name}-api-auth"
  comment = "API auth routes: as ${var.name}-api, plus the session cookie"

  headers_config {
    header_behavior = "allExcept"

    headers {
      items = ["host"]
    }
  }

  cookies_config {
    cookie_behavior = "whitelist"

    cookies {
      items = [var.session_cookie_name]
    }
  }

  query_strings_config {
    query_string_behavior = "all"
  }
}

################################################################################
# API cache policies (ADR 0107): compressed, never cached.
#
# CloudFront compresses only where the behaviour's cache policy enables gzip/Brotli, and it
# refuses those settings on a policy whose three TTLs are all 0 (Managed-CachingDisabled).
# So these policies keep minimum and default TTL at 0 and the maximum at 1 second, the least
# that leaves the compression settings available:
# - minimum TTL 0: the API's `Cache-Control: no-store` (every response, core/middleware.py)
#   is obeyed, so nothing is stored and no two requests are collapsed into one answer (a
#   minimum above 0 would cache even `no-store`/`private`);
# - default TTL 0: a response without Cache-Control or Expires is not kept either;
# - maximum TTL 1: a response that asks for caching (`max-age`, `s-maxage`, `Expires`) is kept
#   for a second at most.
# Defence in depth, should an answer ever be kept: the cache key holds everything that tells
# one caller from another: the Authorization header (CloudFront passes it to the origin only
# through the cache key once caching is not disabled), every query string and, on the auth
# routes, the session cookie. Requests of two users never share a key.
################################################################################

locals {
  # Seconds. Not variables: raising them would let CloudFront keep per-user answers.
  api_min_ttl     = 0
  api_default_ttl = 0
  api_max_ttl     = 1

  # One cache policy per API behaviour, keyed by behaviour: the cookies in its key (only the
  # auth routes get one, the session cookie) and what the policy is for.
  api_cache_policies = {
    api = {
      cookies = []
      comment = "API: never cached (TTL 0/0/1, Authorization and query in the key), compressed"
    }
    api-auth = {
      cookies = [var.session_cookie_name]
      comment = "API auth routes: as the API's, plus the session cookie in the key"
    }
  }
}

resource "aws_cloudfront_cache_policy" "api" {
  for_each = local.api_cache_policies

  name        = "${var.name}-${each.key}-never-cached"
  comment     = each.value.comment
  min_ttl     = local.api_min_ttl
  default_ttl = local.api_default_ttl
  max_ttl     = local.api_max_ttl

  parameters_in_cache_key_and_forwarded_to_origin {
    enable_accept_encoding_brotli = true
    enable_accept_encoding_gzip   = true

    headers_config {
      header_behavior = "whitelist"

      headers {
        items = ["Authorization"]
      }
    }

    cookies_config {
      cookie_behavior = length(each.value.cookies) == 0 ? "none" : "whitelist"

      dynamic "cookies" {
        for_each = length(each.value.cookies) == 0 ? [] : [each.value.cookies]

        content {
          items = cookies.value
        }
      }
    }

    query_strings_config {
      query_string_behavior = "all"
    }
  }
}

################################################################################
# WAF (CLOUDFRONT scope lives in us-east-1; attached via web_acl_id)
################################################################################

resource "aws_wafv2_web_acl" "this" {
  region      = "us-east-1"
  name        = "${var.name}-edge"
  description = "${var.name} CloudFront protection"
  scope       = "CLOUDFRONT"

  default_action {
    allow {}
  }

  # Inspect up to 64 KB of request bodies (the default for CloudFront is 16 KB).
  association_config {
    request_body {
      cloudfront {
        default_size_inspection_limit = "KB_64"
      }
    }
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 0

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit                 = var.waf_rate_limit_per_5_minutes
        aggregate_key_type    = "IP"
        evaluation_window_sec = 300
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-ip-reputation"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAmazonIpReputationList"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-ip-reputation"
      sampled_requests_enabled   = true
    }
  }

  # The Common rule set blocks bodies over 8 KB (SizeRestrictions_BODY); API bodies can be
  # larger and uploads go straight to S3, so that rule only counts here and the scoped
  # body-size rule below takes its place.
  rule {
    name     = "aws-common"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"

        rule_action_override {
          name = "SizeRestrictions_BODY"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 30

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-sqli"
    priority = 40

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesSQLiRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-sqli"
      sampled_requests_enabled   = true
    }
  }

  # API bodies above the limit are blocked; bodies beyond the inspection limit count as
  # over the limit. Only /api/ paths are in scope (the site takes no request bodies).
  rule {
    name     = "api-body-size"
    priority = 50

    action {
      block {}
    }

    statement {
      and_statement {
        statement {
          byte_match_statement {
            search_string         = "/api/"
            positional_constraint = "STARTS_WITH"

            field_to_match {
              uri_path {}
            }

            text_transformation {
              priority = 0
              type     = "NONE"
            }
          }
        }

        statement {
          size_constraint_statement {
            comparison_operator = "GT"
            size                = var.api_max_body_bytes

            field_to_match {
              body {
                oversize_handling = "MATCH"
              }
            }

            text_transformation {
              priority = 0
              type     = "NONE"
            }
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-api-body-size"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-edge"
    sampled_requests_enabled   = true
  }

  tags = {
    Name = "${var.name}-edge"
  }
}

# WAF log group names must start with `aws-waf-logs-`; CLOUDFRONT-scope logs live in us-east-1.
resource "aws_cloudwatch_log_group" "waf" {
  region            = "us-east-1"
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.waf_log_retention_days
  kms_key_id        = var.waf_log_kms_key_arn

  tags = {
    Name = "aws-waf-logs-${var.name}"
  }
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  region                  = "us-east-1"
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  redacted_fields {
    single_header {
      name = "cookie"
    }
  }

  redacted_fields {
    single_header {
      name = lower(var.origin_verify_header.name)
    }
  }
}

################################################################################
# CloudFront VPC origin (only with an internal ALB)
################################################################################

resource "aws_cloudfront_vpc_origin" "alb" {
  count = local.internal_alb ? 1 : 0

  vpc_origin_endpoint_config {
    name                   = "${var.name}-alb"
    arn                    = var.alb.arn
    http_port              = 80
    https_port             = 443
    origin_protocol_policy = "https-only"

    origin_ssl_protocols {
      items    = ["TLSv1.2"]
      quantity = 1
    }
  }

  tags = {
    Name = "${var.name}-alb"
  }
}

################################################################################
# Distribution
################################################################################

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_86:Access logs use CloudFront standard logging v2 (aws_cloudwatch_log_delivery below).
  #checkov:skip=CKV_AWS_310:No origin failover: one S3 origin and one API origin.
  #checkov:skip=CKV_AWS_374:No geo restriction is required by the spec.
  #checkov:skip=CKV2_AWS_47:Log4j (Log4JRCE_* rules) is blocked by AWSManagedRulesKnownBadInputsRuleSet in the attached web ACL; the check also demands AWSManagedRulesAnonymousIpList, which would block VPN and hosting-provider users and is not in the spec.
  enabled             = true
  comment             = "${var.name} site and API"
  aliases             = [var.domain_name]
  default_root_object = "index.html"
  http_version        = "http2and3"
  is_ipv6_enabled     = true
  price_class         = var.price_class
  web_acl_id          = aws_wafv2_web_acl.this.arn
  wait_for_deployment = false

  origin {
    origin_id                = local.site_origin_id
    domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.site.id
  }

  origin {
    origin_id   = local.api_origin_id
    domain_name = var.alb.origin_domain_name

    custom_header {
      name  = var.origin_verify_header.name
      value = var.origin_verify_header.value
    }

    dynamic "custom_origin_config" {
      for_each = local.internal_alb ? [] : [1]

      content {
        http_port                = 80
        https_port               = 443
        origin_protocol_policy   = "https-only"
        origin_ssl_protocols     = ["TLSv1.2"]
        origin_read_timeout      = var.api_origin_read_timeout
        origin_keepalive_timeout = 5
      }
    }

    dynamic "vpc_origin_config" {
      for_each = local.internal_alb ? [1] : []

      content {
        vpc_origin_id            = aws_cloudfront_vpc_origin.alb[0].id
        origin_read_timeout      = var.api_origin_read_timeout
        origin_keepalive_timeout = 5
      }
    }
  }

  default_cache_behavior {
    target_origin_id           = local.site_origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.caching_optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.spa_routing.arn
    }
  }

  # The API: never cached. First match wins, so the live-update streams (CachingDisabled, so
  # never compressed: an event must leave at once, not wait to fill a compression block;
  # ADR 0104) and the auth routes (which alone get the session cookie) come before the rest
  # of the API, whose JSON CloudFront compresses (ADR 0107). A stream's heartbeat
  # (APP_EVENTS_HEARTBEAT_SECONDS, 15 s) keeps it inside api_origin_read_timeout.
  dynamic "ordered_cache_behavior" {
    for_each = [
      { path_pattern = var.api_events_path_pattern, cache_policy_id = data.aws_cloudfront_cache_policy.caching_disabled.id, origin_request_policy_id = aws_cloudfront_origin_request_policy.api.id, compress = false },
      { path_pattern = var.api_auth_path_pattern, cache_policy_id = aws_cloudfront_cache_policy.api["api-auth"].id, origin_request_policy_id = aws_cloudfront_origin_request_policy.api_auth.id, compress = true },
      { path_pattern = var.api_path_pattern, cache_policy_id = aws_cloudfront_cache_policy.api["api"].id, origin_request_policy_id = aws_cloudfront_origin_request_policy.api.id, compress = true },
    ]
    content {
      path_pattern               = ordered_cache_behavior.value.path_pattern
      target_origin_id           = local.api_origin_id
      viewer_protocol_policy     = "https-only"
      allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
      cached_methods             = ["GET", "HEAD"]
      compress                   = ordered_cache_behavior.value.compress
      cache_policy_id            = ordered_cache_behavior.value.cache_policy_id
      origin_request_policy_id   = ordered_cache_behavior.value.origin_request_policy_id
      response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.this.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = var.minimum_protocol_version
  }

  tags = {
    Name = var.name
  }
}

################################################################################
# Access logs: CloudFront standard logging v2 to the log bucket
################################################################################

resource "aws_cloudwatch_log_delivery_source" "cloudfront" {
  region       = "us-east-1"
  name         = "${var.name}-cloudfront"
  log_type     = "ACCESS_LOGS"
  resource_arn = aws_cloudfront_distribution.this.arn

  tags = {
    Name = "${var.name}-cloudfront"
  }
}

resource "aws_cloudwatch_log_delivery_destination" "cloudfront" {
  region        = "us-east-1"
  name          = "${var.name}-cloudfront-s3"
  output_format = "parquet"

  delivery_destination_configuration {
    destination_resource_arn = var.log_bucket_arn
  }

  tags = {
    Name = "${var.name}-cloudfront-s3"
  }
}

resource "aws_cloudwatch_log_delivery" "cloudfront" {
  region                   = "us-east-1"
  delivery_source_name     = aws_cloudwatch_log_delivery_source.cloudfront.name
  delivery_destination_arn = aws_cloudwatch_log_delivery_destination.cloudfront.arn

  s3_delivery_configuration {
    suffix_path = "cloudfront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}"
  }

  tags = {
    Name = "${var.name}-cloudfront"
  }
}

################################################################################
# DNS
################################################################################

resource "aws_route53_record" "site" {
  for_each = toset(["A", "AAAA"])

  zone_id = var.route53_zone_id
  name    = var.domain_name
  type    = each.key

  alias {
    name                   = aws_cloudfront_distribution.this.domain_name
    zone_id                = aws_cloudfront_distribution.this.hosted_zone_id
    evaluate_target_health = false
  }
}
