"""Load scenarios and the seeding tool. Results are measurements, never tests."""
