// ThreadSanitizer builds only (RETAIL_TSAN): tells TSan about the threads and the synchronisation
// that Debian's uninstrumented libraries create where TSan cannot see them.
//
// C11 threads: librdkafka starts its threads with thrd_create(), which glibc >= 2.34 implements by
// calling its internal pthread_create directly, past TSan's interceptor. Such a thread has no TSan
// state and crashes in TSan's malloc at its first allocation. thrd_create/join/detach below go
// through the public (intercepted) pthread functions instead, and so do its C11 mutexes and
// condition variables (glibc's mtx_t/cnd_t are its pthread types; mtx_lock et al. call the internal
// pthread functions directly, so TSan would not see librdkafka's own locking either).
//
// GMutex and GCond are futex-based in GLib (not pthread), and GStreamer hands buffers, events and
// objects between threads through atomic reference counts compiled without instrumentation. TSan
// sees neither, so every handover through them (a buffer's meta written in one streaming thread and
// freed in another, an element's fields read in a streaming thread before the state change that
// stops it returns) would be reported as a race in our code. These wrappers interpose the exported
// functions (the test executable comes first in symbol lookup, so calls from GStreamer and its
// plugins through the PLT land here), call the real function, and add the happens-before edge the
// real function provides: unlock/signal = release, lock/wake-up = acquire, unref = the acq_rel of
// the reference count. Nothing else changes: a race that no such edge orders is still reported.
// Calls GLib makes to itself are direct (not interposable); what remains visible from them is
// covered by library-scoped entries in tsan.supp, each with its reason.
#include <dlfcn.h>
#include <glib-object.h>
#include <pthread.h>
#include <threads.h>
#include <gst/gst.h>
#include <sanitizer/tsan_interface.h>

#include <cerrno>
#include <cstdint>

namespace {

struct C11Start {
  thrd_start_t func;
  void* arg;
};

void* c11_trampoline(void* p) {
  const C11Start start = *static_cast<C11Start*>(p);
  delete static_cast<C11Start*>(p);
  return reinterpret_cast<void*>(static_cast<intptr_t>(start.func(start.arg)));
}

template <typename Fn>
Fn real(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

}  // namespace

extern "C" {

int thrd_create(thrd_t* thr, thrd_start_t func, void* arg) {
  auto* start = new C11Start{func, arg};
  pthread_t t;
  const int rc = pthread_create(&t, nullptr, c11_trampoline, start);
  if (rc != 0) {
    delete start;
    return rc == EAGAIN ? thrd_nomem : thrd_error;
  }
  *thr = t;
  return thrd_success;
}

int thrd_join(thrd_t thr, int* res) {
  void* value = nullptr;
  if (pthread_join(thr, &value) != 0) return thrd_error;
  if (res) *res = static_cast<int>(reinterpret_cast<intptr_t>(value));
  return thrd_success;
}

int thrd_detach(thrd_t thr) { return pthread_detach(thr) == 0 ? thrd_success : thrd_error; }

static int c11_result(int rc) {
  return rc == 0 ? thrd_success : rc == EBUSY ? thrd_busy : rc == ETIMEDOUT ? thrd_timedout
                                                                          : thrd_error;
}

int mtx_init(mtx_t* m, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if (type & mtx_recursive) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  const int rc = pthread_mutex_init(reinterpret_cast<pthread_mutex_t*>(m), &attr);
  pthread_mutexattr_destroy(&attr);
  return c11_result(rc);
}
int mtx_lock(mtx_t* m) { return c11_result(pthread_mutex_lock(reinterpret_cast<pthread_mutex_t*>(m))); }
int mtx_trylock(mtx_t* m) {
  return c11_result(pthread_mutex_trylock(reinterpret_cast<pthread_mutex_t*>(m)));
}
int mtx_timedlock(mtx_t* m, const struct timespec* ts) {
  return c11_result(pthread_mutex_timedlock(reinterpret_cast<pthread_mutex_t*>(m), ts));
}
int mtx_unlock(mtx_t* m) {
  return c11_result(pthread_mutex_unlock(reinterpret_cast<pthread_mutex_t*>(m)));
}
void mtx_destroy(mtx_t* m) { pthread_mutex_destroy(reinterpret_cast<pthread_mutex_t*>(m)); }

int cnd_init(cnd_t* c) { return c11_result(pthread_cond_init(reinterpret_cast<pthread_cond_t*>(c), nullptr)); }
int cnd_signal(cnd_t* c) { return c11_result(pthread_cond_signal(reinterpret_cast<pthread_cond_t*>(c))); }
int cnd_broadcast(cnd_t* c) {
  return c11_result(pthread_cond_broadcast(reinterpret_cast<pthread_cond_t*>(c)));
}
int cnd_wait(cnd_t* c, mtx_t* m) {
  return c11_result(pthread_cond_wait(reinterpret_cast<pthread_cond_t*>(c),
                                      reinterpret_cast<pthread_mutex_t*>(m)));
}
int cnd_timedwait(cnd_t* c, mtx_t* m, const struct timespec* ts) {
  return c11_result(pthread_cond_timedwait(reinterpret_cast<pthread_cond_t*>(c),
                                           reinterpret_cast<pthread_mutex_t*>(m), ts));
}
void cnd_destroy(cnd_t* c) { pthread_cond_destroy(reinterpret_cast<pthread_cond_t*>(c)); }

void g_mutex_lock(GMutex* m) {
  static const auto fn = real<void (*)(GMutex*)>("g_mutex_lock");
  fn(m);
  __tsan_acquire(m);
}

gboolean g_mutex_trylock(GMutex* m) {
  static const auto fn = real<gboolean (*)(GMutex*)>("g_mutex_trylock");
  const gboolean ok = fn(m);
  if (ok) __tsan_acquire(m);
  return ok;
}

void g_mutex_unlock(GMutex* m) {
  static const auto fn = real<void (*)(GMutex*)>("g_mutex_unlock");
  __tsan_release(m);
  fn(m);
}

void g_cond_wait(GCond* c, GMutex* m) {
  static const auto fn = real<void (*)(GCond*, GMutex*)>("g_cond_wait");
  __tsan_release(m);
  fn(c, m);
  __tsan_acquire(m);
  __tsan_acquire(c);
}

gboolean g_cond_wait_until(GCond* c, GMutex* m, gint64 end_time) {
  static const auto fn = real<gboolean (*)(GCond*, GMutex*, gint64)>("g_cond_wait_until");
  __tsan_release(m);
  const gboolean ok = fn(c, m, end_time);
  __tsan_acquire(m);
  __tsan_acquire(c);
  return ok;
}

void g_cond_signal(GCond* c) {
  static const auto fn = real<void (*)(GCond*)>("g_cond_signal");
  __tsan_release(c);
  fn(c);
}

void g_cond_broadcast(GCond* c) {
  static const auto fn = real<void (*)(GCond*)>("g_cond_broadcast");
  __tsan_release(c);
  fn(c);
}

// The last unref frees the object on whichever thread drops it: every earlier holder's accesses
// happen before that (the count is decremented with acq_rel), so each unref releases into the
// object's clock and acquires what earlier holders released.
void gst_mini_object_unref(GstMiniObject* obj) {
  static const auto fn = real<void (*)(GstMiniObject*)>("gst_mini_object_unref");
  __tsan_release(obj);
  __tsan_acquire(obj);
  fn(obj);
}

void g_object_unref(gpointer obj) {
  static const auto fn = real<void (*)(gpointer)>("g_object_unref");
  __tsan_release(obj);
  __tsan_acquire(obj);
  fn(obj);
}

}  // extern "C"
