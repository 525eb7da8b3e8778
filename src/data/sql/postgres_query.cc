// The PostgreSQL driver of SQL sources (libpq): conninfo checks and masking, and one statement
// run in a READ ONLY transaction with rows streamed in single-row mode, so the row and byte caps
// stop a large result before it is in memory.
#include "data/sql/sql_source.h"

#ifdef MOEBIUS_HAVE_LIBPQ
#include <libpq-fe.h>
#endif

#include <memory>
#include <set>

#include "base/strings.h"

namespace moebius::data {

#ifdef MOEBIUS_HAVE_LIBPQ
namespace {

// Options that would read server files or use the server's own identity or credentials.
const std::set<std::string>& RefusedOptions() {
  static const std::set<std::string> k = {"passfile", "service", "sslkey", "sslcert", "sslrootcert", "sslcrl", "sslcrldir",
                                          "requirepeer", "krbsrvname", "gsslib", "sslpassword"};
  return k;
}

bool IsSecretOption(const std::string& key) { return key == "password" || key == "sslpassword"; }

struct OptionsFree {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};
struct ConnFinish {
  void operator()(PGconn* c) const { PQfinish(c); }
};
struct ResultClear {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultClear>;

Result<std::unique_ptr<PQconninfoOption, OptionsFree>> Parse(const std::string& target) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(target.c_str(), &err);
  if (!opts) {
    std::string m = err ? err : "out of memory";
    if (err) PQfreemem(err);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
    // libpq's message quotes the offending text at most as a keyword, never a password value.
    return InvalidArgument("the PostgreSQL target is not a valid conninfo or URI: " + m);
  }
  return std::unique_ptr<PQconninfoOption, OptionsFree>(opts);
}

std::string QuoteConninfoValue(const std::string& v) {
  bool plain = !v.empty() && v.find_first_of(" '\\\t\n\r") == std::string::npos;
  if (plain) return v;
  std::string out = "'";
  for (char c : v) {
    if (c == '\'' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "'";
}

std::string FirstLine(const char* message) {
  std::string m = message ? message : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// PostgreSQL type oids (src/include/catalog/pg_type.dat); stable across versions.
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kFloat4 = 700, kFloat8 = 701,
              kNumeric = 1700;

void Cancel(PGconn* conn) {
  if (PGcancel* c = PQgetCancel(conn)) {
    char buf[256];
    PQcancel(c, buf, sizeof buf);
    PQfreeCancel(c);
  }
}

}  // namespace

Status ValidatePostgresTarget(const std::string& target) {
  ASSIGN_OR_RETURN(auto opts, Parse(target));
  std::string host, hostaddr;
  for (PQconninfoOption* o = opts.get(); o->keyword; ++o) {
    if (!o->val) continue;
    std::string key = o->keyword, val = o->val;
    if (RefusedOptions().count(key))
      return InvalidArgument("the PostgreSQL option '" + key + "' is not allowed on a SQL source: it would use files or credentials of the server");
    if (key == "host") host = val;
    if (key == "hostaddr") hostaddr = val;
  }
  if (host.empty() && hostaddr.empty())
    return InvalidArgument("a PostgreSQL target must name a TCP host (host=... or postgresql://host/...); Unix sockets are not allowed");
  for (const std::string& h : Split(host, ',')) {
    if (!hostaddr.empty() && h.empty()) continue;
    if (h.empty() || h.front() == '/' || h.front() == '@')
      return InvalidArgument("a PostgreSQL target must name a TCP host; Unix socket directories ('" + h + "') are not allowed");
  }
  return Status::Ok();
}

std::string MaskPostgresTarget(const std::string& target) {
  auto opts = Parse(target);
  if (!opts.ok()) return "****";  // unparsable text might be anything, a password included
  std::string out;
  for (PQconninfoOption* o = opts->get(); o->keyword; ++o) {
    if (!o->val) continue;
    std::string key = o->keyword;
    if (!out.empty()) out.push_back(' ');
    out += key + "=" + (IsSecretOption(key) ? std::string("****") : QuoteConninfoValue(o->val));
  }
  return out;
}

Status RunPostgresQuery(const std::string& conninfo, const std::string& query, const SqlQueryOptions& options,
                        SqlResultWriter* writer) {
  RETURN_IF_ERROR(ValidatePostgresTarget(conninfo));
  std::string timeout = std::to_string(options.connect_timeout_s);
  // Later keywords override what the conninfo (expanded from dbname) says.
  std::string server_options = "-c default_transaction_read_only=on -c statement_timeout=" +
                               std::to_string(options.statement_timeout_ms) + " -c DateStyle=ISO,YMD -c TimeZone=UTC";
  const char* keys[] = {"dbname", "connect_timeout", "options", "application_name", "client_encoding", "passfile", nullptr};
  const char* values[] = {conninfo.c_str(), timeout.c_str(), server_options.c_str(), "moebius-sql-source", "UTF8",
                          "/nonexistent/moebius-no-passfile", nullptr};
  std::unique_ptr<PGconn, ConnFinish> conn(PQconnectdbParams(keys, values, 1));
  if (!conn) return Internal("libpq could not allocate a connection");
  if (PQstatus(conn.get()) != CONNECTION_OK)
    return Unavailable("cannot connect to the PostgreSQL database: " + FirstLine(PQerrorMessage(conn.get())));

  ResultPtr begin(PQexec(conn.get(), "BEGIN TRANSACTION READ ONLY"));
  if (PQresultStatus(begin.get()) != PGRES_COMMAND_OK)
    return Unavailable("PostgreSQL: cannot start a read-only transaction: " + FirstLine(PQerrorMessage(conn.get())));

  // The extended protocol runs exactly one statement ("cannot insert multiple commands").
  if (!PQsendQueryParams(conn.get(), query.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0))
    return Unavailable("PostgreSQL: " + FirstLine(PQerrorMessage(conn.get())));
  PQsetSingleRowMode(conn.get());

  bool begun = false;
  std::vector<Oid> types;
  std::vector<SqlCell> cells;
  Status failure;
  auto begin_columns = [&](const PGresult* r) -> Status {
    int n = PQnfields(r);
    std::vector<std::string> names;
    for (int i = 0; i < n; ++i) {
      names.push_back(PQfname(r, i) ? PQfname(r, i) : "");
      types.push_back(PQftype(r, i));
    }
    cells.resize(static_cast<size_t>(n));
    begun = true;
    return writer->Begin(names);
  };
  while (true) {
    ResultPtr r(PQgetResult(conn.get()));
    if (!r) break;
    if (!failure.ok()) continue;  // drain
    ExecStatusType st = PQresultStatus(r.get());
    if (st == PGRES_SINGLE_TUPLE || st == PGRES_TUPLES_OK) {
      if (!begun) failure = begin_columns(r.get());
      for (int row = 0; failure.ok() && row < PQntuples(r.get()); ++row) {
        for (size_t i = 0; i < cells.size(); ++i) {
          int col = static_cast<int>(i);
          if (PQgetisnull(r.get(), row, col)) {
            cells[i] = SqlCell::Null();
            continue;
          }
          std::string_view text(PQgetvalue(r.get(), row, col), static_cast<size_t>(PQgetlength(r.get(), row, col)));
          switch (types[i]) {
            case kBool: cells[i] = SqlCell::Bool(text == "t"); break;
            case kBytea: cells[i] = SqlCell::Binary(); break;
            case kInt2: case kInt4: case kInt8: case kOid: {
              auto v = ParseInt64(text);
              cells[i] = v ? SqlCell::Integer(*v) : SqlCell::NumberText(text);
              break;
            }
            case kFloat4: case kFloat8: case kNumeric: cells[i] = SqlCell::NumberText(text); break;
            default: cells[i] = SqlCell::Text(text);
          }
        }
        failure = writer->AddRow(cells);
      }
      if (!failure.ok()) {
        // Stop the server's work now rather than reading the rest of a huge result.
        Cancel(conn.get());
      }
    } else if (st == PGRES_COMMAND_OK) {
      failure = InvalidArgument("the query is refused: only statements that return rows (SELECT, WITH ... SELECT) may run on a SQL source");
    } else {
      const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
      std::string code = state ? state : "";
      std::string message = FirstLine(PQresultErrorMessage(r.get()));
      if (code == "57014")
        failure = InvalidArgument("the query ran longer than " + std::to_string(options.statement_timeout_ms / 1000) + " s and was stopped");
      else if (code == "25006")
        failure = InvalidArgument("the query is refused: a SQL source is read-only (" + message + ")");
      else if (PQstatus(conn.get()) != CONNECTION_OK || StartsWith(code, "08"))
        failure = Unavailable("lost the connection to the PostgreSQL database: " + message);
      else
        failure = InvalidArgument("PostgreSQL: " + message);
    }
  }
  if (!failure.ok()) return failure;
  if (!begun) return InvalidArgument("the query returned no result");
  return Status::Ok();
}

#else  // built without libpq

Status ValidatePostgresTarget(const std::string&) {
  return FailedPrecondition("this server was built without libpq: PostgreSQL sources are not available");
}
std::string MaskPostgresTarget(const std::string&) { return "****"; }
Status RunPostgresQuery(const std::string&, const std::string&, const SqlQueryOptions&, SqlResultWriter*) {
  return FailedPrecondition("this server was built without libpq: PostgreSQL sources are not available");
}

#endif

}  // namespace moebius::data
