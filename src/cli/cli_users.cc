// `moebius user|token`: users and API tokens through the REST API.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <limits>
#include <map>
#include <set>

#include "base/strings.h"
#include "cli/archive_io.h"
#include "cli/cli_app.h"
#include "cli/rest_client.h"
#include "cli/table_printer.h"

namespace moebius::cli {

void AddUserCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* u = host.Noun("user", "user accounts (admins)");
  u->require_subcommand(1);
  auto* list = host.Sub(u, "list", "list users");
  host.OnRun(list, [&g = g](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/users"));
    Emit(g, j, [&] {
      TablePrinter t({"USER", "NAME", "GLOBAL ROLE", "DISABLED", "CREATED"});
      for (const auto& x : j["users"])
        t.AddRow({Str(x, "username"), Str(x, "display_name"), Str(x, "global_role"), x["disabled"].get<bool>() ? "yes" : "", Time(x, "created_at")});
      std::cout << t.Render();
    });
    return Status::Ok();
  });
  auto* create = host.Sub(u, "create", "create a user; the password is read from standard input");
  auto* name = host.Own<std::string>();
  auto* role = host.Own<std::string>("viewer");
  auto* stdin_pw = host.Own<bool>(false);
  create->add_option("USER", *name)->required();
  create->add_option("--role", *role, "global role")->capture_default_str();
  create->add_flag("--password-stdin", *stdin_pw, "read the password from standard input without a prompt");
  host.OnRun(create, [&g = g, name, role, stdin_pw](RestClient& c) -> Status {
    std::string pw = ReadPassword(*stdin_pw);
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/users", Json{{"username", *name}, {"password", pw}, {"global_role", *role}}));
    Emit(g, j, [&] { std::printf("created user %s (%s)\n", name->c_str(), role->c_str()); });
    return Status::Ok();
  });
}

void AddTokenCommands(CommandHost& host) {
  const Globals& g = host.globals();
  auto* t = host.Noun("token", "your API tokens");
  t->require_subcommand(1);
  auto* list = host.Sub(t, "list", "list your tokens");
  host.OnRun(list, [&g = g](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Get("/api/v1/tokens"));
    Emit(g, j, [&] {
      TablePrinter tp({"ID", "NAME", "CREATED", "EXPIRES", "REVOKED"});
      for (const auto& x : j["tokens"])
        tp.AddRow({Str(x, "id"), Str(x, "name"), Time(x, "created_at"), x["expires_at"].is_null() ? "never" : Time(x, "expires_at"),
                   x["revoked"].get<bool>() ? "yes" : ""});
      std::cout << tp.Render();
    });
    return Status::Ok();
  });
  auto* create = host.Sub(t, "create", "create a token; its secret is shown once");
  auto* name = host.Own<std::string>();
  auto* days = host.Own<int>(0);
  create->add_option("NAME", *name)->required();
  create->add_option("--expires-days", *days, "expire after this many days (default: never)");
  host.OnRun(create, [&g = g, name, days](RestClient& c) -> Status {
    Json body{{"name", *name}};
    if (*days > 0) body["expires_in_days"] = *days;
    ASSIGN_OR_RETURN(Json j, c.Post("/api/v1/tokens", body));
    Emit(g, j, [&] { std::printf("token %s: %s\n(shown once; store it now)\n", Str(j["token"], "id").c_str(), Str(j, "secret").c_str()); });
    return Status::Ok();
  });
  auto* revoke = host.Sub(t, "revoke", "revoke a token");
  auto* id = host.Own<std::string>();
  revoke->add_option("ID", *id)->required();
  host.OnRun(revoke, [&g = g, id](RestClient& c) -> Status {
    ASSIGN_OR_RETURN(Json j, c.Delete("/api/v1/tokens/" + RestClient::Segment(*id)));
    Emit(g, j, [&] { std::printf("revoked token %s\n", id->c_str()); });
    return Status::Ok();
  });
}

}  // namespace moebius::cli
