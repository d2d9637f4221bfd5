"""HTTP layer: app factory, routers, schemas, problem+json, middleware and the CLI."""
