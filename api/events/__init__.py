"""The events the product sends out, documented as the OpenAPI ``webhooks`` section."""
