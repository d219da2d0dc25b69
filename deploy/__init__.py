"""How to run the app for a school: nginx in front of replicas that share Redis."""
