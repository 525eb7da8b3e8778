-- The peer kit's wrk script (../shared/peers/serving/infer_v2.lua, loaded unchanged) with the
-- bearer token Moebius asks for: TOKEN (env). PEER_LUA (env) is the path of the peer script.
dofile(assert(os.getenv("PEER_LUA")))
wrk.headers["Authorization"] = "Bearer " .. assert(os.getenv("TOKEN"))
