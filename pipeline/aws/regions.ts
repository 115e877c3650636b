/**
 * Where SageMaker's XGBoost framework image lives, per region.
 *
 * Data: ../shared/reference/xgboost-image-accounts.json, itself taken from the SageMaker Python SDK
 * (aws/sagemaker-python-sdk master-v2 fc582aaa, src/sagemaker/image_uri_config/xgboost.json, Apache-2.0)
 * and botocore's ECR endpoints for the DNS suffixes. The same account serves every `sagemaker-xgboost`
 * version, for training and for inference.
 */

export type AwsPartition = "aws" | "aws-cn" | "aws-us-gov" | "aws-iso" | "aws-iso-b" | "aws-iso-f";

export interface RegionFacts {
  /** AWS account that owns the `sagemaker-xgboost` ECR repository in this region. */
  readonly xgboostAccount: string;
  /** DNS suffix of the region's ECR endpoint. */
  readonly dnsSuffix: string;
  readonly partition: AwsPartition;
}

export const REGIONS: Readonly<Record<string, RegionFacts>> = {
  "af-south-1": { xgboostAccount: "510948584623", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ap-east-1": { xgboostAccount: "651117190479", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ap-northeast-1": { xgboostAccount: "354813040037", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ap-northeast-2": { xgboostAccount: "366743142698", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ap-northeast-3": { xgboostAccount: "867004704886", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ap-south-1": { xgboostAccount: "720646828776", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ap-south-2": { xgboostAccount: "628508329040", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ap-southeast-1": { xgboostAccount: "121021644041", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ap-southeast-2": { xgboostAccount: "783357654285", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ap-southeast-3": { xgboostAccount: "951798379941", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ap-southeast-4": { xgboostAccount: "106583098589", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ca-central-1": { xgboostAccount: "341280168497", dnsSuffix: "amazonaws.com", partition: "aws" },
  "ca-west-1": { xgboostAccount: "190319476487", dnsSuffix: "amazonaws.com", partition: "aws" },
  "cn-north-1": { xgboostAccount: "450853457545", dnsSuffix: "amazonaws.com.cn", partition: "aws-cn" },
  "cn-northwest-1": { xgboostAccount: "451049120500", dnsSuffix: "amazonaws.com.cn", partition: "aws-cn" },
  "eu-central-1": { xgboostAccount: "492215442770", dnsSuffix: "amazonaws.com", partition: "aws" },
  "eu-central-2": { xgboostAccount: "680994064768", dnsSuffix: "amazonaws.com", partition: "aws" },
  "eu-north-1": { xgboostAccount: "662702820516", dnsSuffix: "amazonaws.com", partition: "aws" },
  "eu-south-1": { xgboostAccount: "978288397137", dnsSuffix: "amazonaws.com", partition: "aws" },
  "eu-south-2": { xgboostAccount: "104374241257", dnsSuffix: "amazonaws.com", partition: "aws" },
  "eu-west-1": { xgboostAccount: "141502667606", dnsSuffix: "amazonaws.com", partition: "aws" },
  "eu-west-2": { xgboostAccount: "764974769150", dnsSuffix: "amazonaws.com", partition: "aws" },
  "eu-west-3": { xgboostAccount: "659782779980", dnsSuffix: "amazonaws.com", partition: "aws" },
  "il-central-1": { xgboostAccount: "898809789911", dnsSuffix: "amazonaws.com", partition: "aws" },
  "me-central-1": { xgboostAccount: "272398656194", dnsSuffix: "amazonaws.com", partition: "aws" },
  "me-south-1": { xgboostAccount: "801668240914", dnsSuffix: "amazonaws.com", partition: "aws" },
  "sa-east-1": { xgboostAccount: "737474898029", dnsSuffix: "amazonaws.com", partition: "aws" },
  "us-east-1": { xgboostAccount: "683313688378", dnsSuffix: "amazonaws.com", partition: "aws" },
  "us-east-2": { xgboostAccount: "257758044811", dnsSuffix: "amazonaws.com", partition: "aws" },
  "us-gov-east-1": { xgboostAccount: "237065988967", dnsSuffix: "amazonaws.com", partition: "aws-us-gov" },
  "us-gov-west-1": { xgboostAccount: "414596584902", dnsSuffix: "amazonaws.com", partition: "aws-us-gov" },
  "us-iso-east-1": { xgboostAccount: "833128469047", dnsSuffix: "c2s.ic.gov", partition: "aws-iso" },
  "us-isob-east-1": { xgboostAccount: "281123927165", dnsSuffix: "sc2s.sgov.gov", partition: "aws-iso-b" },
  "us-isof-east-1": { xgboostAccount: "108575199400", dnsSuffix: "csp.hci.ic.gov", partition: "aws-iso-f" },
  "us-isof-south-1": { xgboostAccount: "124985052026", dnsSuffix: "csp.hci.ic.gov", partition: "aws-iso-f" },
  "us-west-1": { xgboostAccount: "746614075791", dnsSuffix: "amazonaws.com", partition: "aws" },
  "us-west-2": { xgboostAccount: "246618743249", dnsSuffix: "amazonaws.com", partition: "aws" },
};

/** Image tags per framework version (1.2-1 and later: the version itself). */
export const XGBOOST_TAGS: Readonly<Record<string, string>> = {
  "0.90-1": "0.90-1-cpu-py3",
  "0.90-2": "0.90-2-cpu-py3",
  "1.0-1": "1.0-1-cpu-py3",
  "1.2-1": "1.2-1",
  "1.2-2": "1.2-2",
  "1.3-1": "1.3-1",
  "1.5-1": "1.5-1",
  "1.7-1": "1.7-1",
  "3.0-5": "3.0-5",
  "3.2-0": "3.2-0",
};

export const XGBOOST_REPOSITORY = "sagemaker-xgboost";
/** The framework version this project trains and serves with. */
export const XGBOOST_FRAMEWORK_VERSION = "1.7-1";

export function regionFacts(region: string): RegionFacts {
  const facts = REGIONS[region];
  if (!facts) {
    throw new Error(
      `region "${region}" has no SageMaker XGBoost image in the registry table; use one of: ${Object.keys(REGIONS).join(", ")}`,
    );
  }
  return facts;
}

/** `<account>.dkr.ecr.<region>.<dnsSuffix>/sagemaker-xgboost:<tag>` */
export function xgboostImageUri(region: string, version: string = XGBOOST_FRAMEWORK_VERSION): string {
  const facts = regionFacts(region);
  const tag = XGBOOST_TAGS[version];
  if (!tag) {
    throw new Error(`XGBoost framework version "${version}" is unknown; use one of: ${Object.keys(XGBOOST_TAGS).join(", ")}`);
  }
  return `${facts.xgboostAccount}.dkr.ecr.${region}.${facts.dnsSuffix}/${XGBOOST_REPOSITORY}:${tag}`;
}

/** ARN of the XGBoost ECR repository, for the execution role's image-pull statement. */
export function xgboostRepositoryArn(region: string): string {
  const facts = regionFacts(region);
  return `arn:${facts.partition}:ecr:${region}:${facts.xgboostAccount}:repository/${XGBOOST_REPOSITORY}`;
}
