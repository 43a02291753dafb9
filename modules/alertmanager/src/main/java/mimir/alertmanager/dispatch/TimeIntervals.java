package mimir.alertmanager.dispatch;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;

import mimir.alertmanager.config.AmConfig.TimeInterval;

/** Whether an instant lies in a named time interval, with Alertmanager's semantics (all listed fields must match; negative days count from the month's end). */
public final class TimeIntervals {
    private TimeIntervals() {}

    /** Whether the instant lies in any of the intervals (a missing definition contains nothing). */
    public static boolean contains(List<TimeInterval> intervals, Instant instant) {
        if (intervals == null) {
            return false;
        }
        for (TimeInterval interval : intervals) {
            if (contains(interval, instant)) {
                return true;
            }
        }
        return false;
    }

    static boolean contains(TimeInterval interval, Instant instant) {
        ZonedDateTime t = instant.atZone(interval.location());
        if (!interval.times().isEmpty()) {
            int minute = t.getHour() * 60 + t.getMinute();
            if (interval.times().stream().noneMatch(r -> minute >= r[0] && minute < r[1])) {
                return false;
            }
        }
        int weekday = t.getDayOfWeek().getValue() % 7;
        if (!interval.weekdays().isEmpty() && interval.weekdays().stream().noneMatch(r -> weekday >= r[0] && weekday <= r[1])) {
            return false;
        }
        if (!interval.daysOfMonth().isEmpty()) {
            int length = t.toLocalDate().lengthOfMonth();
            int day = t.getDayOfMonth();
            boolean any = false;
            for (int[] r : interval.daysOfMonth()) {
                int start = r[0] < 0 ? length + r[0] + 1 : r[0];
                int end = r[1] < 0 ? length + r[1] + 1 : r[1];
                if (day >= start && day <= end) {
                    any = true;
                    break;
                }
            }
            if (!any) {
                return false;
            }
        }
        int month = t.getMonthValue();
        if (!interval.months().isEmpty() && interval.months().stream().noneMatch(r -> month >= r[0] && month <= r[1])) {
            return false;
        }
        int year = t.getYear();
        return interval.years().isEmpty() || interval.years().stream().anyMatch(r -> year >= r[0] && year <= r[1]);
    }
}
