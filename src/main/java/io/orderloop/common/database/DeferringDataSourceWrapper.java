package io.orderloop.common.database;

import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.stereotype.Component;

/** Hands every data source bean out as a {@link DeferringDataSource} over the pool. */
@Component
class DeferringDataSourceWrapper implements BeanPostProcessor {

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof DataSource pool && !(bean instanceof DeferringDataSource)) {
      return new DeferringDataSource(pool);
    }
    return bean;
  }
}
