"""The MCP server (`weatherbot mcp`); needs the `mcp` extra, which nothing else imports."""
