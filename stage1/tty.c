/* --interactive: the app gets a terminal of its own pod, as nspawn does.
 * PID 1 opens a pty in the app's devpts instance (so the app sees
 * /dev/pts/N), keeps the slave for the app and hands the master to the
 * outer process over the sync socket; the outer process puts the user's
 * terminal in raw mode and copies bytes both ways, window size included. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "file.h"
#include "stage1.h"

int tty_open_pty(int rootfd, int *master, int *slave, struct err *e)
{
	int unlock = 0;
	*master = root_open(rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0);
	if (*master < 0)
		return err_sys(e, "open the app's /dev/pts/ptmx");
	if (ioctl(*master, TIOCSPTLCK, &unlock) < 0) {
		close(*master);
		return err_sys(e, "unlock the pty");
	}
	*slave = ioctl(*master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0) {
		close(*master);
		return err_sys(e, "open the pty's terminal");
	}
	return 0;
}

int tty_send_fd(int sock, int fd)
{
	char c = 'T';
	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

int tty_recv_fd(int sock)
{
	char c;
	struct iovec iov = {.iov_base = &c, .iov_len = 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	ssize_t n;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
	if (n != 1 || c != 'T' || !cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static struct termios saved;
static bool raw_set;

int tty_raw(int fd)
{
	struct termios t;
	if (tcgetattr(fd, &saved) < 0)
		return -1;
	t = saved;
	cfmakeraw(&t);
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return -1;
	raw_set = true;
	return 0;
}

void tty_restore(int fd)
{
	if (raw_set)
		tcsetattr(fd, TCSANOW, &saved);
	raw_set = false;
}

void tty_copy_winsize(int from, int to)
{
	struct winsize ws;
	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

/* Move what is readable from one fd to the other; -1 at EOF or error. */
int tty_pump(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	return writeall(to, buf, (size_t)n) < 0 ? -1 : 0;
}
