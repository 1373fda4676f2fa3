"""RabbitMQ: the worker's topology, and publishing events and dead letters to it."""
