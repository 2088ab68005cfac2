/* The interpreter's stack of elements (see interpreter_internal.h). */
#include "consensus/interpreter_internal.h"

#include "src/util/alloc.h"

void interp_stack_init(struct interp_stack *s, struct stack_elem *storage, size_t cap)
{
    s->v = storage;
    s->size = 0;
    s->cap = storage ? cap : 0;
    s->heap = false;
}

void interp_stack_clear(struct interp_stack *s)
{
    if (s->heap)
        mem_free(s->v);
    s->v = NULL;
    s->size = 0;
    s->cap = 0;
    s->heap = false;
}

void interp_stack_reserve(struct interp_stack *s, size_t extra)
{
    if (s->cap - s->size >= extra)
        return;
    size_t cap = s->cap ? s->cap * 2 : 16;
    while (cap - s->size < extra)
        cap *= 2;
    if (s->heap) {
        s->v = mem_realloc(s->v, cap * sizeof *s->v);
    } else {
        struct stack_elem *v = mem_alloc(cap * sizeof *v);
        if (s->size)
            memcpy(v, s->v, s->size * sizeof *v);
        s->v = v;
        s->heap = true;
    }
    s->cap = cap;
}

void interp_stack_copy(struct interp_stack *dst, const struct interp_stack *src)
{
    dst->size = 0;
    interp_stack_reserve(dst, src->size);
    if (src->size)
        memcpy(dst->v, src->v, src->size * sizeof *src->v);
    dst->size = src->size;
}

void interp_stack_push_view(struct interp_stack *s, const uint8_t *p, size_t len)
{
    interp_stack_reserve(s, 1);
    struct stack_elem *e = &s->v[s->size++];
    e->ext = p;
    e->len = (uint32_t)len;
    if (!len)
        e->ext = NULL; /* empty: data is never read */
}

bool interp_cast_to_bool(const struct stack_elem *e)
{
    const uint8_t *p = elem_data(e);
    for (size_t i = 0; i < e->len; i++) {
        if (p[i] != 0) {
            /* negative zero */
            if (i == e->len - 1 && p[i] == 0x80)
                return false;
            return true;
        }
    }
    return false;
}
