// Filled in by the object-store work: startS3Server() for s3rver.
export {};
