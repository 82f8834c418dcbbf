"""The Qt window: display and input only; every change goes through coordinator_app.services."""
