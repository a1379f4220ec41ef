-- A real editor session with seedlint server: headless Neovim (0.7 or later) and its built-in LSP client.
-- Run by scripts/editor-smoke.sh, which sets SEEDLINT_SMOKE_ROOT (a copy of a corpus) and SEEDLINT_SMOKE_PYTHON.
-- Open a document, break a date, see the finding, apply its quick fix; retitle a document and see the stale
-- copies reported in a document that copies it (the retitled document is the only one at its address: an entry
-- naming an address several captures share is stale only when it copies none of them); jump from a related entry
-- to its target, and from one naming two captures of an article to the list of both.
local root = os.getenv("SEEDLINT_SMOKE_ROOT")
local python = os.getenv("SEEDLINT_SMOKE_PYTHON")
local defender = root .. "/2021-06-09-azure-database-for-mariadb-azure-defender-in-general-availability.md"
local storage = root .. "/2020-06-10-large-storage-for-azure-database-for-mariadb.md"
local jedi = root .. "/2020-05-08-aws-files-a-second-jedi-protest-with-the-dod.md"
local captures = {
  root .. "/2020-05-05-exclusive-dods-cio-makes-case-for-sticking-with-jedi.md",
  root .. "/2020-05-06-exclusive-dod-cio-makes-case-for-sticking-with-jedi.md",
}
local WAIT = 60000 -- ms: a guard against a hung server only

local failures = 0
local function check(ok, what)
  io.stdout:write((ok and "ok      " or "FAILED  ") .. what .. "\n")
  if not ok then failures = failures + 1 end
  return ok
end

local function finish()
  io.stdout:write(string.format("editor-smoke: %d failed\n", failures))
  vim.cmd(failures == 0 and "qall!" or "cquit! 1")
end

local function codes(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    found[#found + 1] = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  end
  return found
end

local function with_code(bufnr, code)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    if (d.code or lsp.code) == code then return d end
  end
  return nil
end

local client_id = vim.lsp.start_client({
  name = "seedlint",
  cmd = { python, "-m", "seedlint", "server" },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = "news" } },
})
check(client_id ~= nil, "seedlint server starts")
local client = vim.lsp.get_client_by_id(client_id)

-- 1. Open a document: its findings appear.
vim.cmd("edit " .. vim.fn.fnameescape(defender))
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)
check(vim.wait(WAIT, function() return with_code(buf, "SL606") ~= nil end, 20), "open: SL606 is reported")

-- 2. Break a date: the finding appears at the date.
local line = vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1]
check(line == "publishedDateTime: 2021-06-09T16:00:42Z", "line 5 holds the date")
vim.api.nvim_buf_set_lines(buf, 4, 5, false, { "publishedDateTime: 2021-06-09 16:00:42Z" })
check(vim.wait(WAIT, function() return with_code(buf, "SL205") ~= nil end, 20), "a broken date: SL205 is reported")
local date = with_code(buf, "SL205")
check(date ~= nil and date.lnum == 4 and date.col == 19 and date.end_col == 39, "SL205 spans the date (5:20-5:40)")

-- 3. Apply its quick fix.
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = 4, character = 19 }, ["end"] = { line = 4, character = 39 } },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buf, 4) },
}
local answer = client.request_sync("textDocument/codeAction", params, WAIT, buf)
local chosen = nil
for _, action in ipairs(answer and answer.result or {}) do
  if action.title == "SL205: write 2021-06-09T16:00:42Z (safe)" then chosen = action end
end
if check(chosen ~= nil, "the quick fix is offered: SL205: write 2021-06-09T16:00:42Z (safe)") then
  if not chosen.edit then
    local resolved = client.request_sync("codeAction/resolve", chosen, WAIT, buf)
    chosen = resolved and resolved.result or chosen
  end
  vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding or "utf-16")
end
check(vim.api.nvim_buf_get_lines(buf, 4, 5, false)[1] == "publishedDateTime: 2021-06-09T16:00:42Z",
  "the quick fix restores the date")
check(vim.wait(WAIT, function() return with_code(buf, "SL205") == nil end, 20), "SL205 is gone")

-- 4. Retitle: the documents that copy this one report stale copies (the one checked here is not open).
vim.api.nvim_buf_set_lines(buf, 2, 3, false, { 'title: "Azure Defender for MariaDB in general availability"' })
local other = vim.uri_to_bufnr(vim.uri_from_fname(storage))
check(vim.wait(WAIT, function() return with_code(other, "SL505") ~= nil end, 20),
  "retitle: a document that copies it reports SL505")
local stale = with_code(other, "SL505")
check(stale ~= nil and stale.message:find("now has \"Azure Defender for MariaDB in general availability\"", 1, true) ~= nil,
  "the stale copy's message quotes the new title")

-- 5. Jump from a related entry to its target.
vim.cmd("edit " .. vim.fn.fnameescape(storage))
local storage_buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(storage_buf, client_id)
vim.wait(WAIT, function() return #vim.diagnostic.get(storage_buf) > 0 end, 20)
local row = nil
for index, text in ipairs(vim.api.nvim_buf_get_lines(storage_buf, 0, -1, false)) do
  if row == nil and text:find("azure-database-for-mariadb-azure-defender-in-general-availability/", 1, true)
    and text:find("webUrl:", 1, true) and text:sub(1, 4) == "    " then
    row = index
  end
end
vim.api.nvim_win_set_cursor(0, { row, 20 })
vim.lsp.buf.definition()
check(vim.wait(WAIT, function() return vim.api.nvim_buf_get_name(0) == defender end, 20),
  "go to definition on a related entry opens the document it names")
check(vim.api.nvim_win_get_cursor(0)[1] == 3, "at its title")

-- 6. An entry whose address two captures of one article share: definition lists both (no capture picked).
vim.cmd("edit " .. vim.fn.fnameescape(jedi))
local jedi_buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(jedi_buf, client_id)
check(vim.wait(WAIT, function() return with_code(jedi_buf, "SL507") ~= nil end, 20),
  "an address named twice in one list: SL507 is reported")
check(with_code(jedi_buf, "SL505") == nil, "no stale copy: each entry copies one of the two captures")
vim.fn.setqflist({})
vim.api.nvim_win_set_cursor(0, { 32, 20 }) -- related[0]'s webUrl
vim.lsp.buf.definition()
check(vim.wait(WAIT, function() return #vim.fn.getqflist() == 2 end, 20), "definition lists two documents")
local listed = {}
for _, item in ipairs(vim.fn.getqflist()) do
  listed[#listed + 1] = vim.api.nvim_buf_get_name(item.bufnr) .. ":" .. item.lnum
end
check(#listed == 2 and listed[1] == captures[1] .. ":3" and listed[2] == captures[2] .. ":3",
  "both captures, at their titles")

vim.lsp.stop_client(client_id)
finish()
