"""S3 endpoint fixtures (moto's server on loopback, or a real MinIO from the environment)."""
