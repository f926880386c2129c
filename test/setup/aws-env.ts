/**
 * Dummy AWS credentials for every test process: the real SDK clients sign their requests to the
 * loopback fakes, and must never find real credentials or ask an instance metadata service.
 */
process.env.AWS_ACCESS_KEY_ID = 'AKIAMODELGATETEST000';
process.env.AWS_SECRET_ACCESS_KEY = 'modelgate-test-secret-not-real';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
process.env.AWS_EC2_METADATA_DISABLED = 'true';
// A client no test points at a fake (Step Functions in most files) is refused on loopback, never sent to AWS.
process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:9';
// The machine runs Node 20; the SDK's notice about its end of support is not what tests look at.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
