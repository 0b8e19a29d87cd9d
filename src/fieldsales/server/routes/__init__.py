"""The HTTP routes, one module per area; ``app.create_app`` mounts them."""
