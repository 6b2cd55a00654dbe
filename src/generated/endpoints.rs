//! Endpoint data: every partition of `partitions.json` and the service's endpoint rules.
//!
//! Written by `cargo run -p apigwv2-codegen` from `partitions.json` and `endpoint-rule-set-1.json` in `codegen/model/`: do not edit.

/// One piece of a partition's region pattern (`regionRegex`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    /// One of these texts.
    OneOf(&'static [&'static str]),
    /// One or more of `A-Z a-z 0-9 _` (`\w+`).
    Word,
    /// One or more of `0-9` (`\d+`).
    Digits,
}

/// A partition: the regions it names, the pattern of the others it claims, its DNS
/// suffixes and what it supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Partition {
    pub(crate) id: &'static str,
    pub(crate) regions: &'static [&'static str],
    pub(crate) pattern: &'static [Piece],
    pub(crate) dns_suffix: &'static str,
    pub(crate) dual_stack_dns_suffix: &'static str,
    pub(crate) supports_fips: bool,
    pub(crate) supports_dual_stack: bool,
}

/// A piece of an endpoint URL template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment {
    Text(&'static str),
    Region,
    DnsSuffix,
    DualStackDnsSuffix,
}

/// What a partition must support for a rule to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Requirement {
    Fips,
    DualStack,
}

/// Where a rule leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Url(&'static [Segment]),
    Error(&'static str),
}

/// One flattened rule: the first whose requirements the partition meets applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rule {
    pub(crate) requires: &'static [Requirement],
    pub(crate) outcome: Outcome,
}

/// Every partition, in the order of `partitions.json` (the order regions are matched in).
pub(crate) const PARTITIONS: &[Partition] = &[
    Partition {
        id: "aws",
        regions: &[
            "af-south-1",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-south-1",
            "ap-south-2",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "aws-global",
            "ca-central-1",
            "ca-west-1",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "il-central-1",
            "me-central-1",
            "me-south-1",
            "me-west-1",
            "mx-central-1",
            "sa-east-1",
            "sa-west-1",
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
        ],
        // ^(us|eu|ap|sa|ca|me|af|il|mx)\-\w+\-\d+$
        pattern: &[
            Piece::OneOf(&["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx"]),
            Piece::OneOf(&["-"]),
            Piece::Word,
            Piece::OneOf(&["-"]),
            Piece::Digits,
        ],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-cn",
        regions: &["aws-cn-global", "cn-north-1", "cn-northwest-1"],
        // ^cn\-\w+\-\d+$
        pattern: &[
            Piece::OneOf(&["cn-"]),
            Piece::Word,
            Piece::OneOf(&["-"]),
            Piece::Digits,
        ],
        dns_suffix: "amazonaws.com.cn",
        dual_stack_dns_suffix: "api.amazonwebservices.com.cn",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-eusc",
        regions: &["eusc-de-east-1"],
        // ^eusc\-(de)\-\w+\-\d+$
        pattern: &[
            Piece::OneOf(&["eusc-"]),
            Piece::OneOf(&["de"]),
            Piece::OneOf(&["-"]),
            Piece::Word,
            Piece::OneOf(&["-"]),
            Piece::Digits,
        ],
        dns_suffix: "amazonaws.eu",
        dual_stack_dns_suffix: "api.amazonwebservices.eu",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-iso",
        regions: &["aws-iso-global", "us-iso-east-1", "us-iso-west-1"],
        // ^us\-iso\-\w+\-\d+$
        pattern: &[
            Piece::OneOf(&["us-iso-"]),
            Piece::Word,
            Piece::OneOf(&["-"]),
            Piece::Digits,
        ],
        dns_suffix: "c2s.ic.gov",
        dual_stack_dns_suffix: "api.aws.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-iso-b",
        regions: &["aws-iso-b-global", "us-isob-east-1", "us-isob-west-1"],
        // ^us\-isob\-\w+\-\d+$
        pattern: &[
            Piece::OneOf(&["us-isob-"]),
            Piece::Word,
            Piece::OneOf(&["-"]),
            Piece::Digits,
        ],
        dns_suffix: "sc2s.sgov.gov",
        dual_stack_dns_suffix: "api.aws.scloud",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-iso-e",
        regions: &["aws-iso-e-global", "eu-isoe-west-1"],
        // ^eu\-isoe\-\w+\-\d+$
        pattern: &[
            Piece::OneOf(&["eu-isoe-"]),
            Piece::Word,
            Piece::OneOf(&["-"]),
            Piece::Digits,
        ],
        dns_suffix: "cloud.adc-e.uk",
        dual_stack_dns_suffix: "api.cloud-aws.adc-e.uk",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-iso-f",
        regions: &["aws-iso-f-global", "us-isof-east-1", "us-isof-south-1"],
        // ^us\-isof\-\w+\-\d+$
        pattern: &[
            Piece::OneOf(&["us-isof-"]),
            Piece::Word,
            Piece::OneOf(&["-"]),
            Piece::Digits,
        ],
        dns_suffix: "csp.hci.ic.gov",
        dual_stack_dns_suffix: "api.aws.hci.ic.gov",
        supports_fips: true,
        supports_dual_stack: true,
    },
    Partition {
        id: "aws-us-gov",
        regions: &["aws-us-gov-global", "us-gov-east-1", "us-gov-west-1"],
        // ^us\-gov\-\w+\-\d+$
        pattern: &[
            Piece::OneOf(&["us-gov-"]),
            Piece::Word,
            Piece::OneOf(&["-"]),
            Piece::Digits,
        ],
        dns_suffix: "amazonaws.com",
        dual_stack_dns_suffix: "api.aws",
        supports_fips: true,
        supports_dual_stack: true,
    },
];

/// The partition of a region that no partition names or matches.
pub(crate) const DEFAULT_PARTITION: &str = "aws";

/// The service's endpoint rules for a region (no endpoint override), flattened: for
/// `RULES[fips as usize * 2 + dual_stack as usize]`, the first rule whose requirements
/// the region's partition meets gives the URL or the error.
pub(crate) const RULES: [&[Rule]; 4] = [
    // fips: false, dual-stack: false
    &[Rule {
        requires: &[],
        outcome: Outcome::Url(&[
            Segment::Text("https://apigateway."),
            Segment::Region,
            Segment::Text("."),
            Segment::DnsSuffix,
        ]),
    }],
    // fips: false, dual-stack: true
    &[
        Rule {
            requires: &[Requirement::DualStack],
            outcome: Outcome::Url(&[
                Segment::Text("https://apigateway."),
                Segment::Region,
                Segment::Text("."),
                Segment::DualStackDnsSuffix,
            ]),
        },
        Rule {
            requires: &[],
            outcome: Outcome::Error("DualStack is enabled but this partition does not support DualStack"),
        },
    ],
    // fips: true, dual-stack: false
    &[
        Rule {
            requires: &[Requirement::Fips],
            outcome: Outcome::Url(&[
                Segment::Text("https://apigateway-fips."),
                Segment::Region,
                Segment::Text("."),
                Segment::DnsSuffix,
            ]),
        },
        Rule {
            requires: &[],
            outcome: Outcome::Error("FIPS is enabled but this partition does not support FIPS"),
        },
    ],
    // fips: true, dual-stack: true
    &[
        Rule {
            requires: &[Requirement::Fips, Requirement::DualStack],
            outcome: Outcome::Url(&[
                Segment::Text("https://apigateway-fips."),
                Segment::Region,
                Segment::Text("."),
                Segment::DualStackDnsSuffix,
            ]),
        },
        Rule {
            requires: &[],
            outcome: Outcome::Error(
                "FIPS and DualStack are enabled, but this partition does not support one or both",
            ),
        },
    ],
];
