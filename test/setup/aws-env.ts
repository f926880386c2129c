/**
 * Dummy AWS credentials for every test process: the real SDK clients sign their requests to the
 * loopback fakes, and must never find real credentials or ask an instance metadata service.
 */
process.env.AWS_ACCESS_KEY_ID = 'AKIAMODELGATETEST000';
process.env.AWS_SECRET_ACCESS_KEY = 'modelgate-test-secret-not-real';
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
process.env.AWS_EC2_METADATA_DISABLED = 'true';
