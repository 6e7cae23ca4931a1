//! The fault cases, generated: every service the helper calls (a row) against every way a
//! server fails (a column). Each is the scenario `fault_SERVICE_FAULT`, run like a folder.

use super::format::{Case, Env, Home, Reply, Request, Run, Scenario};

/// A service the helper calls, set up so that the call under test is the faulty one.
struct Service {
    id: &'static str,
    /// How messages and docs name it.
    name: &'static str,
    /// The variable that points the helper at it: `{ecr}`, or a closed port for `refused`.
    endpoint_var: &'static str,
    /// The rest of the environment.
    env: &'static [(&'static str, &'static str)],
    home: &'static [(&'static str, &'static str)],
    stdin: &'static str,
    /// Answers before the faulty call (IMDS: its token and the role's name).
    before: &'static [&'static str],
    /// Attempts at a 5xx or a silent server, and at a broken connection.
    attempts: usize,
    truncated_attempts: usize,
    /// A good answer whose credentials (or token) expired long ago.
    expired: &'static str,
    /// Whether it gives AWS credentials (then ECR is called with them) or the ECR token.
    gives_credentials: bool,
    not_parsable: &'static str,
    not_parsable_says: &'static str,
    missing_fields: &'static str,
    missing_fields_says: &'static str,
    /// A throttling answer; IMDS has none.
    throttled: Option<&'static str>,
    refused_says: &'static str,
}

const KEYS: [(&str, &str); 2] = [
    ("ASIAGOODEXAMPLE", "goodSecretExample0123"),
    ("AKIDBASEEXAMPLE", "baseSecretExample012345"),
];
const PRIVATE: &str = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
const CONNECT_REFUSED: &str = "could not connect to 127.0.0.1:9";

/// What most services share; each row below says only where it differs.
const TYPICAL: Service = Service {
    id: "",
    name: "",
    endpoint_var: "",
    env: &[],
    home: &[],
    stdin: PRIVATE,
    before: &[],
    attempts: 3,
    truncated_attempts: 3,
    expired: "",
    gives_credentials: true,
    not_parsable: "not json",
    not_parsable_says: "cannot use",
    missing_fields: "",
    missing_fields_says: "no ",
    throttled: None,
    refused_says: CONNECT_REFUSED,
};

const SERVICES: &[Service] = &[
    Service {
        id: "container",
        name: "container credentials endpoint",
        endpoint_var: "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        env: &[("AWS_ENDPOINT_URL_ECR", "{ecr}")],
        expired: r#"{"AccessKeyId": "ASIAGOODEXAMPLE", "SecretAccessKey": "goodSecretExample0123", "Token": "goodSessionToken", "Expiration": "2001-01-01T00:00:00Z"}"#,
        missing_fields: r#"{"AccessKeyId":"x"}"#,
        throttled: Some(r#"{"code":"ThrottlingException","message":"slow down"}"#),
        ..TYPICAL
    },
    Service {
        id: "ecr",
        name: "ECR",
        endpoint_var: "AWS_ENDPOINT_URL_ECR",
        env: &[
            ("AWS_ACCESS_KEY_ID", "ASIAGOODEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "goodSecretExample0123"),
        ],
        expired: r#"{"authorizationData":[{"authorizationToken":"QVdTOmV4cGlyZWQtcHc=","expiresAt":1000000000,"proxyEndpoint":"https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}]}"#,
        gives_credentials: false,
        not_parsable: "<html>not json</html>",
        missing_fields: r#"{"authorizationData":[]}"#,
        throttled: Some(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
        ..TYPICAL
    },
    Service {
        id: "ecr_public",
        name: "ECR Public",
        endpoint_var: "AWS_ENDPOINT_URL_ECR_PUBLIC",
        env: &[
            ("AWS_ACCESS_KEY_ID", "ASIAGOODEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "goodSecretExample0123"),
        ],
        stdin: "public.ecr.aws",
        expired: r#"{"authorizationData":{"authorizationToken":"QVdTOmV4cGlyZWQtcHc=","expiresAt":1000000000}}"#,
        gives_credentials: false,
        missing_fields: r#"{"authorizationData":{}}"#,
        missing_fields_says: "no authorization",
        throttled: Some(r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#),
        ..TYPICAL
    },
    Service {
        id: "imds",
        name: "instance metadata service",
        endpoint_var: "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        env: &[("AWS_ENDPOINT_URL_ECR", "{ecr}")],
        before: &["imds-token", "role"],
        attempts: 2,
        truncated_attempts: 1,
        expired: r#"{"Code": "Success", "LastUpdated": "{time:-1m}", "Type": "AWS-HMAC", "AccessKeyId": "ASIAGOODEXAMPLE", "SecretAccessKey": "goodSecretExample0123", "Token": "goodSessionToken", "Expiration": "2001-01-01T00:00:00Z"}"#,
        not_parsable_says: "not JSON",
        missing_fields: r#"{"Code":"Success"}"#,
        throttled: None,
        refused_says: "is not reachable",
        ..TYPICAL
    },
    Service {
        id: "sso",
        name: "SSO",
        endpoint_var: "AWS_ENDPOINT_URL_SSO",
        env: &[("AWS_ENDPOINT_URL_ECR", "{ecr}"), ("AWS_PROFILE", "dev")],
        home: &[
            (
                ".aws/config",
                "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Developer\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-2\n",
            ),
            (
                ".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json",
                r#"{"accessToken": "sso-access-token-value", "expiresAt": "{time:+8h}"}"#,
            ),
        ],
        expired: r#"{"roleCredentials": {"accessKeyId": "ASIAGOODEXAMPLE", "secretAccessKey": "goodSecretExample0123", "sessionToken": "goodSessionToken", "expiration": 1000}}"#,
        missing_fields: r#"{"roleCredentials":{}}"#,
        throttled: Some(r#"{"__type":"TooManyRequestsException","message":"slow down"}"#),
        ..TYPICAL
    },
    Service {
        id: "sts",
        name: "STS",
        endpoint_var: "AWS_ENDPOINT_URL_STS",
        env: &[("AWS_ENDPOINT_URL_ECR", "{ecr}")],
        home: &[
            (
                ".aws/credentials",
                "[base]\naws_access_key_id = AKIDBASEEXAMPLE\naws_secret_access_key = baseSecretExample012345\n",
            ),
            (
                ".aws/config",
                "[default]\nrole_arn = arn:aws:iam::123456789012:role/RoleA\nsource_profile = base\n",
            ),
        ],
        expired: r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><AssumedRoleUser><AssumedRoleId>AROA:s</AssumedRoleId><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser><Credentials><AccessKeyId>ASIAGOODEXAMPLE</AccessKeyId><SecretAccessKey>goodSecretExample0123</SecretAccessKey><SessionToken>goodSessionToken</SessionToken><Expiration>2001-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleResponse>"#,
        not_parsable: "{not xml}",
        missing_fields: "<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>",
        throttled: Some(
            "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error></ErrorResponse>",
        ),
        ..TYPICAL
    },
    Service {
        id: "signin",
        name: "AWS Sign-In",
        endpoint_var: "AWS_ENDPOINT_URL_SIGNIN",
        env: &[("AWS_ENDPOINT_URL_ECR", "{ecr}"), ("AWS_PROFILE", "dev")],
        home: &[
            (
                ".aws/config",
                "[profile dev]\nlogin_session = arn:aws:iam::123456789012:user/Admin\n",
            ),
            (
                ".aws/login/cache/10cabd19777b6651ac57333b55c7c10a1242b1c2337f40e674926d7324698347.json",
                LOGIN_CACHE,
            ),
        ],
        // Sign-In gives a lifetime, not an expiry: one second is the shortest it can say.
        expired: r#"{"accessToken": {"accessKeyId": "ASIAGOODEXAMPLE", "secretAccessKey": "goodSecretExample0123", "sessionToken": "goodSessionToken"}, "expiresIn": 1, "refreshToken": "next-refresh-token"}"#,
        missing_fields: r#"{"accessToken":{}}"#,
        throttled: Some(r#"{"__type":"ThrottlingException","message":"slow down"}"#),
        ..TYPICAL
    },
];

/// The key of the AWS SDK for Rust's DPoP tests, in a login cache whose keys have expired,
/// so that every get refreshes through Sign-In.
const LOGIN_CACHE: &str = r#"{"accessToken": {"accessKeyId": "ASIAOLDLOGINEXAMPLE", "secretAccessKey": "oldLoginSecret0123456", "sessionToken": "oldLoginSessionToken", "accountId": "123456789012", "expiresAt": "2020-01-01T00:00:00Z"}, "clientId": "arn:aws:signin:::devtools/same-device", "refreshToken": "login-refresh-token-value", "dpopKey": "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n"}"#;

const FAULTS: &[&str] = &[
    "5xx",
    "expired",
    "invalid_body",
    "missing_fields",
    "never_answers",
    "refused",
    "throttled",
    "truncated",
];

fn status(status: u16, body: &str) -> Reply {
    Reply {
        status: Some(status),
        body: Some(body.into()),
        ..Default::default()
    }
}

fn times<T: Clone>(n: usize, t: T) -> Vec<T> {
    vec![t; n]
}

/// Every fault of every service that has it.
pub fn all() -> Vec<Scenario> {
    SERVICES
        .iter()
        .flat_map(|s| FAULTS.iter().filter_map(move |f| scenario(s, f)))
        .collect()
}

fn scenario(s: &Service, fault: &str) -> Option<Scenario> {
    let name = s.name;
    let before: Vec<Reply> = s.before.iter().map(|b| status(200, b)).collect();
    let then = |rest: Vec<Reply>| [before.clone(), rest].concat();
    // A failed get: Go's stdout line, the reason on stderr, nothing cached.
    let failed = |replies: Vec<Reply>, says: &str, requests: Option<usize>| Run {
        stdin: s.stdin.into(),
        exit: 1,
        stdout: Some("credentials not found in native keychain".into()),
        replies,
        stderr_contains: vec![says.into()],
        requests: requests.map(|n| times(n, Request::default())),
        cache_absent: vec!["Registries".into()],
        ..Default::default()
    };
    let n_before = s.before.len();
    let (docs, run) = match fault {
        "5xx" => (
            format!(
                "{name} answering 500 every time: {} attempts (the standard retry mode), then a clear error; nothing cached.",
                s.attempts
            ),
            Run {
                max_seconds: Some(8.0),
                ..failed(
                    then(times(s.attempts, status(500, ""))),
                    &format!("{name} answered HTTP 500"),
                    Some(n_before + s.attempts),
                )
            },
        ),
        "expired" if s.gives_credentials => (
            format!(
                "{name} handing out credentials whose expiry has passed: they are used once (the clock may be wrong), as the SDKs do."
            ),
            Run {
                stdin: s.stdin.into(),
                replies: then(vec![
                    status(200, s.expired),
                    Reply {
                        token: Some("AWS:pw".into()),
                        ..Default::default()
                    },
                ]),
                stdout: Some(format!(
                    r#"{{"ServerURL":"{}","Username":"AWS","Secret":"pw"}}"#,
                    s.stdin
                )),
                requests: Some(
                    [
                        times(n_before + 1, Request::default()),
                        vec![Request {
                            access_key: Some("ASIAGOODEXAMPLE".into()),
                            ..Default::default()
                        }],
                    ]
                    .concat(),
                ),
                ..Default::default()
            },
        ),
        "expired" => (
            format!(
                "{name} handing out a token that has already expired: it is returned (the clock may be wrong) but not cached."
            ),
            Run {
                stdin: s.stdin.into(),
                replies: then(vec![status(200, s.expired)]),
                stdout: Some(format!(
                    r#"{{"ServerURL":"{}","Username":"AWS","Secret":"expired-pw"}}"#,
                    s.stdin
                )),
                requests: Some(times(n_before + 1, Request::default())),
                cache_absent: vec!["Registries".into()],
                ..Default::default()
            },
        ),
        "invalid_body" => (
            format!(
                "{name} answering 200 with a body that does not parse: a clear error, not retried."
            ),
            failed(
                then(vec![status(200, s.not_parsable)]),
                s.not_parsable_says,
                Some(n_before + 1),
            ),
        ),
        "missing_fields" => (
            format!(
                "{name} answering 200 with required fields missing: a clear error naming what is missing."
            ),
            failed(
                then(vec![status(200, s.missing_fields)]),
                s.missing_fields_says,
                Some(n_before + 1),
            ),
        ),
        "never_answers" => (
            format!(
                "{name} accepting and never answering: each attempt times out and the whole get stays within its 10 s budget."
            ),
            Run {
                max_seconds: Some(13.0),
                ..failed(
                    then(times(
                        s.attempts,
                        Reply {
                            hang: true,
                            ..Default::default()
                        },
                    )),
                    "did not answer in time",
                    None,
                )
            },
        ),
        "refused" => (
            format!(
                "{name} refusing connections: retried where the SDKs retry, then an error that says so."
            ),
            Run {
                max_seconds: Some(8.0),
                cache_absent: Vec::new(),
                ..failed(Vec::new(), s.refused_says, Some(0))
            },
        ),
        "throttled" => (
            format!(
                "{name} throttling every time: retried with backoff, then an error naming the code."
            ),
            Run {
                max_seconds: Some(8.0),
                ..failed(
                    then(times(s.attempts, status(400, s.throttled?))),
                    "answered HTTP 400",
                    Some(n_before + s.attempts),
                )
            },
        ),
        "truncated" => (
            format!(
                "{name} closing the connection halfway through its answer: an error, retried as a connection error."
            ),
            Run {
                max_seconds: Some(8.0),
                ..failed(
                    then(times(
                        s.truncated_attempts,
                        Reply {
                            truncated: Some(r#"{"half":"#.into()),
                            ..Default::default()
                        },
                    )),
                    "broke",
                    Some(n_before + s.truncated_attempts),
                )
            },
        ),
        _ => unreachable!("fault {fault}"),
    };
    let endpoint = match fault {
        "refused" => "http://127.0.0.1:9",
        _ => "{ecr}",
    };
    let endpoint = match s.endpoint_var {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI" => format!("{endpoint}/creds"),
        _ => endpoint.to_string(),
    };
    let mut env: Env = s
        .env
        .iter()
        .map(|(k, v)| (k.to_string(), Some(v.to_string())))
        .collect();
    env.insert(s.endpoint_var.into(), Some(endpoint));
    Some(Scenario {
        name: format!("fault_{}_{fault}", s.id),
        case: Case {
            docs,
            keys: KEYS
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            tls: false,
            tls_names: None,
            proxy: false,
            proxy_auth: None,
            socks: false,
            hosts: Vec::new(),
            secrets: Vec::new(),
            allow_unused_replies: fault == "never_answers",
            runs: vec![run],
        },
        env,
        home: match s.home {
            [] => Home::None,
            files => Home::Files(
                files
                    .iter()
                    .map(|(p, t)| (p.to_string(), t.to_string()))
                    .collect(),
            ),
        },
    })
}
