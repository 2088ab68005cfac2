/* /explorer/: the reserve explorer's static page, served with -rest from
 * the files compiled in (explorer_files.h; doc/explorer.md). Only the
 * page's own files by exact name: no directory listing, no file system,
 * so "..", encoded or not, names nothing and gets 404. */
#include <string.h>

#include "src/rpc/explorer_files.h"
#include "src/rpc/rest.h"

static void rest_explorer(struct rpc_context *ctx, struct rest_reply *reply, const char *path, const char *query)
{
    (void)ctx;
    (void)query;
    /* path is what follows "/explorer": "" and "/" are the page itself. */
    const char *name = NULL;
    if (!strcmp(path, "") || !strcmp(path, "/"))
        name = "index.html";
    else if (path[0] == '/')
        name = path + 1;
    for (size_t i = 0; name && i < explorer_file_count; i++) {
        const struct explorer_file *f = &explorer_files[i];
        if (strcmp(f->name, name) != 0)
            continue;
        reply->status = 200;
        reply->content_type = f->content_type;
        reply->body.len = 0;
        wbuf_put(&reply->body, f->data, f->len);
        return;
    }
    rest_reply_error(reply, 404, "Not found");
}

static const struct rest_route route = {"/explorer", rest_explorer};

void rpc_register_rest_explorer(struct rpc_table *t)
{
    rpc_table_add_rest(t, &route);
}
