"""Input channels of the Rasa server: Rasa's own, made to never leave a user in silence."""
