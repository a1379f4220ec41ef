-- seedlint server in Neovim's built-in LSP client (Neovim 0.7 or later; nothing else to install).
-- Put this file in your config (e.g. ~/.config/nvim/lua/seedlint.lua and `require("seedlint")` from init.lua).
-- The server starts for Markdown and text buffers under a folder holding a seedlint configuration (pyproject.toml
-- with [tool.seedlint], or seedlint.toml), else under the current working directory.
local function root_of(path)
  local dir = vim.fn.fnamemodify(path, ":p:h")
  while dir ~= "/" and dir ~= "" do
    if vim.fn.filereadable(dir .. "/seedlint.toml") == 1 then return dir end
    local pyproject = dir .. "/pyproject.toml"
    if vim.fn.filereadable(pyproject) == 1 and table.concat(vim.fn.readfile(pyproject), "\n"):find("%[tool%.seedlint%]") then
      return dir
    end
    dir = vim.fn.fnamemodify(dir, ":h")
  end
  return vim.fn.getcwd()
end

local clients = {} -- root folder → client id

vim.api.nvim_create_autocmd("FileType", {
  pattern = { "markdown", "text" },
  callback = function(args)
    local root = root_of(vim.api.nvim_buf_get_name(args.buf))
    if clients[root] == nil then
      clients[root] = vim.lsp.start_client({
        name = "seedlint",
        cmd = { "seedlint", "server" },
        root_dir = root,
        workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ":t") } },
        -- init_options = { debounceMs = 50, maxAffected = 200 },
      })
    end
    vim.lsp.buf_attach_client(args.buf, clients[root])
    local map = function(keys, action) vim.keymap.set("n", keys, action, { buffer = args.buf }) end
    map("K", vim.lsp.buf.hover) -- a rule code's documentation; a related entry's target and staleness
    map("gd", vim.lsp.buf.definition) -- from a related entry to the document it names
    map("gr", vim.lsp.buf.references) -- the documents that copy this one
    map("<leader>a", vim.lsp.buf.code_action) -- quick fixes, suppress, fix all, copy the fields
    -- Fix all safe findings on save (as `seedlint fix` would); remove this block to fix by hand only.
    vim.api.nvim_create_autocmd("BufWritePre", {
      buffer = args.buf,
      callback = function()
        local params = vim.lsp.util.make_range_params()
        params.context = { only = { "source.fixAll.seedlint" }, diagnostics = {} }
        local client = vim.lsp.get_client_by_id(clients[root])
        local answer = client.request_sync("textDocument/codeAction", params, 3000, args.buf)
        for _, action in ipairs(answer and answer.result or {}) do
          if not action.edit then
            local resolved = client.request_sync("codeAction/resolve", action, 3000, args.buf)
            action = resolved and resolved.result or action
          end
          if action.edit then vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding) end
        end
      end,
    })
  end,
})
