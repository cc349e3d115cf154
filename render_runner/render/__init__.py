"""Rendering: the payload contract, the Remotion bundle, the browser, and the pool of Node render workers."""
