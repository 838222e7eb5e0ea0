package io.orderloop.common;

import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.BeanUtils;
import org.springframework.core.convert.ConversionService;
import org.springframework.core.convert.support.DefaultConversionService;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.support.JdbcUtils;

/**
 * Maps rows onto records, matching each component to the column of the same name or its snake_case
 * form ({@code lotControlled} to {@code lot_controlled}).
 *
 * <p>It does what Spring's {@code SimplePropertyRowMapper} does, but resolves the columns once per
 * result set from its metadata. That mapper asks the driver for the camelCase name first, and the
 * PostgreSQL driver answers a missing column by throwing an exception: a profile of order intake
 * found four of them per order, each filling a deep stack trace.
 */
public final class Rows {

  private static final ConversionService conversions = DefaultConversionService.getSharedInstance();

  private static final ClassValue<Shape> shapes =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
          }
          RecordComponent[] components = type.getRecordComponents();
          Class<?>[] types = new Class<?>[components.length];
          String[] names = new String[components.length];
          for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            names[i] = components[i].getName();
          }
          try {
            return new Shape(type.getDeclaredConstructor(types), names, types);
          } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
          }
        }
      };

  private Rows() {}

  /** A mapper for one query (it remembers that query's column positions). */
  public static <T> RowMapper<T> of(Class<T> type) {
    return new Mapper<>(type, shapes.get(type));
  }

  private record Shape(Constructor<?> constructor, String[] names, Class<?>[] types) {}

  private static final class Mapper<T> implements RowMapper<T> {
    private final Class<T> type;
    private final Shape shape;
    private ResultSet resolvedFor;
    private int[] columns;

    Mapper(Class<T> type, Shape shape) {
      this.type = type;
      this.shape = shape;
    }

    @Override
    public T mapRow(ResultSet rs, int rowNum) throws SQLException {
      if (rs != resolvedFor) {
        columns = resolve(rs.getMetaData());
        resolvedFor = rs;
      }
      Object[] args = new Object[columns.length];
      for (int i = 0; i < columns.length; i++) {
        Class<?> wanted = shape.types()[i];
        Object value = JdbcUtils.getResultSetValue(rs, columns[i], wanted);
        args[i] = value == null ? null : conversions.convert(value, wanted);
      }
      return type.cast(BeanUtils.instantiateClass(shape.constructor(), args));
    }

    private int[] resolve(ResultSetMetaData meta) throws SQLException {
      Map<String, Integer> byName = new HashMap<>();
      for (int c = meta.getColumnCount(); c >= 1; c--) {
        byName.put(meta.getColumnLabel(c).toLowerCase(Locale.ROOT), c);
      }
      int[] found = new int[shape.names().length];
      for (int i = 0; i < found.length; i++) {
        String name = shape.names()[i];
        Integer c = byName.get(name.toLowerCase(Locale.ROOT));
        if (c == null) {
          c = byName.get(JdbcUtils.convertPropertyNameToUnderscoreName(name));
        }
        if (c == null) {
          throw new SQLException(
              "No column for " + type.getSimpleName() + "." + name + " in " + byName.keySet());
        }
        found[i] = c;
      }
      return found;
    }
  }
}
