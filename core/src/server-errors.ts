/** Coded errors of the server's life cycle and the CLI. */
import { defineError } from "@tandem/sdk";

export const ServerErrors = {
  state: defineError("TANDEM_ERR_SERVER_STATE", "cannot %s the server: it is %s"),
  cliUsage: defineError("TANDEM_ERR_SERVER_CLI_USAGE", "%s; usage: tandem [--config FILE]"),
} as const;
