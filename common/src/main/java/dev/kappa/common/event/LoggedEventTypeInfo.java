package dev.kappa.common.event;

import java.lang.reflect.Type;
import java.util.Map;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Gives {@link LoggedEvent} its own serializer wherever Flink infers its type ({@link LoggedEventTypeSerializer}). */
public final class LoggedEventTypeInfo extends TypeInformation<LoggedEvent> {

    private static final long serialVersionUID = 1L;

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<LoggedEvent> getTypeClass() {
        return LoggedEvent.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<LoggedEvent> createSerializer(SerializerConfig config) {
        return new LoggedEventTypeSerializer();
    }

    @Override
    public String toString() {
        return "LoggedEvent";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LoggedEventTypeInfo;
    }

    @Override
    public int hashCode() {
        return LoggedEventTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object other) {
        return other instanceof LoggedEventTypeInfo;
    }

    /** Named by the {@code @TypeInfo} annotation on {@link LoggedEvent}. */
    public static final class Factory extends TypeInfoFactory<LoggedEvent> {
        @Override
        public TypeInformation<LoggedEvent> createTypeInfo(Type type, Map<String, TypeInformation<?>> parameters) {
            return new LoggedEventTypeInfo();
        }
    }
}
