-- socket.headers: the usual spelling of HTTP and mail header names,
-- written for sockplay. socket.http sends its (lower-case) header names
-- as socket.headers.canonic spells them, and a name missing here as
-- given.

local socket = require("socket")

local M = {}
socket.headers = M

local names = {
  "Accept", "Accept-Charset", "Accept-Encoding", "Accept-Language",
  "Accept-Ranges", "Action", "Alternate-Recipient", "Age", "Allow",
  "Arrival-Date", "Authorization", "Bcc", "Cache-Control", "Cc",
  "Comments", "Connection", "Content-Description", "Content-Disposition",
  "Content-Encoding", "Content-ID", "Content-Language", "Content-Length",
  "Content-Location", "Content-MD5", "Content-Range",
  "Content-Transfer-Encoding", "Content-Type", "Cookie", "Date",
  "Diagnostic-Code", "Dsn-Gateway", "ETag", "Expect", "Expires",
  "Final-Log-ID", "Final-Recipient", "From", "Host", "If-Match",
  "If-Modified-Since", "If-None-Match", "If-Range", "If-Unmodified-Since",
  "In-Reply-To", "Keywords", "Last-Attempt-Date", "Last-Modified",
  "Location", "Max-Forwards", "Message-ID", "MIME-Version", "Original-Envelope-ID",
  "Original-Recipient", "Pragma", "Proxy-Authenticate",
  "Proxy-Authorization", "Range", "Received", "Received-From-MTA",
  "References", "Referer", "Remote-MTA", "Reply-To", "Reporting-MTA",
  "Resent-Bcc", "Resent-Cc", "Resent-Date", "Resent-From",
  "Resent-Message-ID", "Resent-Reply-To", "Resent-Sender", "Resent-To",
  "Retry-After", "Return-Path", "Sender", "Server", "Smtp-Remote-Recipient",
  "Status", "Subject", "TE", "To", "Trailer", "Transfer-Encoding",
  "Upgrade", "User-Agent", "Vary", "Via", "Warning",
  "Will-Retry-Until", "WWW-Authenticate", "X-Mailer",
}

-- canonic["content-type"] == "Content-Type"
M.canonic = {}
for _, name in ipairs(names) do
  M.canonic[name:lower()] = name
end

return M
