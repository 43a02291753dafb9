package mimir.ruler.eval;

import java.util.List;

/** Where an evaluation hands the alerts that need sending (firing, or resolved since the last send). */
@FunctionalInterface
public interface AlertSender {
    /** Queues the notifications; must not block on the network. */
    void send(List<Notifier.Notification> notifications);
}
