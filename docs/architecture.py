#!/usr/bin/env python3
"""Draw docs/architecture.png: the wiring diagram of the spec (section 10) as built in infra/.

pip install diagrams==0.25.1   # plus Graphviz: apt-get install -y graphviz
python docs/architecture.py    # writes docs/architecture.png
"""

from pathlib import Path

from diagrams import Cluster, Diagram, Edge
from diagrams.aws.compute import ECR, ElasticContainerServiceService, Fargate
from diagrams.aws.database import ElasticacheForRedis, RDSPostgresqlInstance
from diagrams.aws.devtools import XRay
from diagrams.aws.general import Users
from diagrams.aws.integration import SNS, SimpleQueueServiceSqs
from diagrams.aws.management import Cloudtrail, Cloudwatch, Config
from diagrams.aws.network import ALB, CloudFront, Endpoint, NATGateway, Route53
from diagrams.aws.security import ACM, KMS, WAF, Guardduty, Inspector, SecretsManager, SecurityHub
from diagrams.aws.storage import S3, Backup

OUT = Path(__file__).resolve().with_name("architecture")

GRAPH = {"fontsize": "13", "pad": "0.3", "nodesep": "0.45", "ranksep": "0.7", "splines": "spline"}

with Diagram(
    "Task tracker on AWS (infra/envs/prod)",
    filename=str(OUT),
    outformat="png",
    show=False,
    direction="LR",
    graph_attr=GRAPH,
):
    users = Users("Users")

    with Cluster("Edge (global, us-east-1 for ACM and WAF)"):
        dns = Route53("Route 53\nalias")
        cdn = CloudFront("CloudFront\nHTTPS, TLSv1.2_2021\nheaders policy")
        waf = WAF("WAF web ACL\nmanaged rules + rate")
        cert = ACM("ACM cert\n(us-east-1)")
        site = S3("Site bucket\nprivate, OAC")

    with Cluster("Region: VPC across 3 AZs"):
        with Cluster("Public subnets"):
            alb = ALB("ALB\nCloudFront prefix list\n+ origin header only")
            nat = NATGateway("NAT gateway\nper AZ (dev: one)")
        with Cluster("Private subnets (app)"):
            api = ElasticContainerServiceService("API service\nFargate, no public IP")
            worker = Fargate("Export worker\nFargate")
            endpoints = Endpoint("VPC endpoints\nS3 ECR Logs Secrets\nSSM SQS KMS")
        with Cluster("Isolated subnets (data)"):
            proxy = RDSPostgresqlInstance("RDS Proxy\nTLS required")
            db = RDSPostgresqlInstance("RDS PostgreSQL\nMulti-AZ, CMK")
            cache = ElasticacheForRedis("ElastiCache Valkey\nMulti-AZ, TLS, CMK")

    with Cluster("Regional services"):
        ecr = ECR("ECR\nimmutable, scanned")
        secrets = SecretsManager("Secrets Manager\n+ SSM parameters")
        queue = SimpleQueueServiceSqs("SQS exports\n+ DLQ")
        uploads = S3("Uploads/exports\nSSE-KMS, CRR in prod")
        kms = KMS("KMS CMKs")

    with Cluster("Operations and security"):
        cw = Cloudwatch("CloudWatch\nlogs, dashboard,\nSLO alarms")
        sns = SNS("SNS alarms")
        xray = XRay("X-Ray\n(ADOT sidecar)")
        backup = Backup("AWS Backup\n(copy to 2nd region)")
        trail = Cloudtrail("CloudTrail")
        config = Config("Config +\nconformance pack")
        hub = SecurityHub("Security Hub\nFSBP + CIS")
        gd = Guardduty("GuardDuty")
        insp = Inspector("Inspector\nECR + Lambda")

    users >> dns >> cdn
    cdn - Edge(style="dotted") - waf
    cdn - Edge(style="dotted") - cert
    cdn >> Edge(label="/*  (OAC)") >> site
    cdn >> Edge(label="/api/*") >> alb
    alb >> api
    api >> proxy >> db
    api >> cache
    api >> queue >> worker
    worker >> uploads
    api >> Edge(label="presigned") >> uploads
    api >> Edge(style="dashed") >> endpoints
    endpoints >> Edge(style="dashed") >> [ecr, secrets, queue, kms]
    api >> Edge(style="dashed", label="egress") >> nat
    api >> Edge(style="dashed") >> [cw, xray]
    cw >> sns
    db >> Edge(style="dashed") >> backup
    [trail, config, gd, insp] >> Edge(style="dotted") >> hub
