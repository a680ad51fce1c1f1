"""Trợ lý ISO: the conversation core, its storage, the transports and the command line."""
