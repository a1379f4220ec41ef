// A minimal VS Code extension that starts `seedlint server` for Markdown and plain-text files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const settings = vscode.workspace.getConfiguration("seedlint");
  const [command, ...args] = settings.get("command");
  client = new LanguageClient(
    "seedlint",
    "seedlint",
    { command, args },
    {
      documentSelector: [
        { scheme: "file", language: "markdown" },
        { scheme: "file", language: "plaintext" },
      ],
      initializationOptions: { debounceMs: settings.get("debounceMs"), maxAffected: settings.get("maxAffected") },
    },
  );
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
